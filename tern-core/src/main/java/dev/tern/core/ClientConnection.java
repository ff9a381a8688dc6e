package dev.tern.core;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.codec.packet.Will;
import dev.tern.spi.auth.AuthDecision;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.AuthStep;
import dev.tern.spi.auth.EnhancedAuthenticator;
import dev.tern.spi.auth.ClientIdentity;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one network connection. The transport calls the {@code on...} methods from the
 * connection's I/O thread; from CONNECT on, every packet is handled on the shard of the client id, which also
 * owns the session, so session takeover and all per-client state need no locks.
 */
public final class ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    /** Refused and malformed connections are logged, but a flood of them is not logged line by line. */
    private static final LogLimiter REFUSAL_LOG = new LogLimiter(20);

    /** CONNECTING: CONNECT accepted, CONNACK waits for the store (the session's record, its stored queue). */
    /** AUTHENTICATING: an enhanced authentication exchange (AUTH packets) runs before the CONNACK. */
    /**
     * VERIFYING: the password is being checked on the broker's verifier thread; AUTHENTICATING: an MQTT 5 enhanced
     * authentication exchange; CONNECTING: CONNECT accepted, CONNACK waits for the store.
     */
    private enum State { NEW, VERIFYING, AUTHENTICATING, CONNECTING, CONNECTED, CLOSED }

    private final Broker broker;
    private final Connection connection;
    private final MqttSettings settings;
    private final ClientLimits limits;

    /** Chosen on the I/O thread at CONNECT, before the first command is handed to the shard. */
    private Shard shard;
    private boolean closedReported;

    // ---- owned by the shard from CONNECT on ----
    private State state = State.NEW;
    private MqttVersion version = MqttVersion.V3_1_1;
    private String clientId;
    private String username;
    private ClientIdentity identity;
    private Session session;
    private long keepAliveTimeoutNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> keepAliveTimer;
    /** When the credentials the client authenticated with expire (null = never), and the timer that acts then. */
    private java.time.Instant credentialsValidUntil;
    private ScheduledFuture<?> credentialsTimer;
    /** MQTT 5 enhanced authentication: null when CONNECT had no Authentication Method. */
    private EnhancedAuthFlow auth;
    /** The CONNECT waiting for its enhanced authentication to finish, and whether its client id was assigned. */
    private Connect authenticating;
    private boolean idAssigned;
    private Will will;
    /**
     * The store holds this connection's will as armed ({@link dev.tern.spi.storage.PendingWill#armed}): a broker
     * that goes down while this client is connected publishes it after its start. Every way the will is published
     * or dropped while connected removes it ({@link #forgetStoredWill}).
     */
    private boolean willStored;
    private long connectSessionExpiry;
    private int clientReceiveMaximum;
    private long clientMaxPacketSize;
    private int clientTopicAliasMaximum;
    private String[] inboundAliases;
    private Map<String, Integer> outboundAliases;
    /**
     * Packets waiting while a subscriber holds this publisher back (see {@link #hold()}), or sent before the
     * CONNACK. Null until the first one: most connections never park anything, and an idle connection should cost
     * little (docs/performance.md, idle connections).
     */
    private ArrayDeque<MqttPacket> parked;
    private boolean readingPaused;
    private static final int PARKED_LIMIT = 256;
    private PublishRateLimiter rateLimiter;
    private boolean ratePaused;
    private boolean rateLogged;

    /**
     * Packets handed to the shard and not yet handled; past the limit the socket is not read. Updated through
     * {@link #INBOUND_BACKLOG} (a field, not an AtomicInteger: one object less per connection).
     */
    private volatile int inboundBacklog;
    /** 1 while reading is paused because of the inbound backlog; through {@link #INBOUND_PAUSED}. */
    private volatile int inboundPaused;
    private static final int INBOUND_BACKLOG_LIMIT = 512;
    /**
     * Whether a connection whose session lives on another shard moves its socket to that shard's I/O loop at CONNECT
     * ({@link Connection#moveTo}); {@code -Dtern.io.move-to-shard=false} keeps it where it was accepted (every packet
     * in and out then crosses threads), for comparison.
     */
    private static final boolean MOVE_TO_SHARD =
            !"false".equals(System.getProperty("tern.io.move-to-shard"));

    /** Holds by subscribers that are behind; written from any shard through {@link #HOLDS}. */
    private volatile int holds;

    private static final AtomicIntegerFieldUpdater<ClientConnection> INBOUND_BACKLOG =
            AtomicIntegerFieldUpdater.newUpdater(ClientConnection.class, "inboundBacklog");
    private static final AtomicIntegerFieldUpdater<ClientConnection> INBOUND_PAUSED =
            AtomicIntegerFieldUpdater.newUpdater(ClientConnection.class, "inboundPaused");
    private static final AtomicIntegerFieldUpdater<ClientConnection> HOLDS =
            AtomicIntegerFieldUpdater.newUpdater(ClientConnection.class, "holds");

    /**
     * With a store: PUBACK/PUBREC waiting for their message to be durable, in PUBLISH order. Null until the first
     * QoS 1/2 PUBLISH.
     */
    private ArrayDeque<PendingAck> acks;
    /** What the CONNACK will say once the store has the session. */
    private Connack connack;
    private int connectKeepAlive;

    ClientConnection(Broker broker, Connection connection) {
        this.broker = broker;
        this.connection = connection;
        this.settings = broker.settings();
        this.limits = broker.limits();
        this.clientReceiveMaximum = settings.receiveMaximum();
    }

    // ================= transport side (I/O thread) =================

    /** A decoded packet arrived. */
    public void onPacket(MqttPacket packet) {
        broker.stats().received(packet, connection.encodedSize(packet));
        if (shard != null) {
            if (inOrderOnShard()) {
                handle(packet);
            } else {
                if (INBOUND_BACKLOG.incrementAndGet(this) == INBOUND_BACKLOG_LIMIT
                        && INBOUND_PAUSED.compareAndSet(this, 0, 1)) {
                    // the shard is behind this socket: stop reading until it catches up
                    connection.pauseReading();
                }
                shard.submit(new HandlePacket(this, packet));
            }
            return;
        }
        if (!(packet instanceof Connect connect)) {
            if (REFUSAL_LOG.allow()) {
                LOG.info("closing {}: first packet was {} instead of CONNECT [MQTT-3.1.0-1]{}",
                        connection.remoteAddress(), packet.type(), REFUSAL_LOG.suppressedNote());
            }
            connection.close();
            return;
        }
        connection.setVersion(connect.version());
        String id = connect.clientId();
        boolean assigned = false;
        if (id.isEmpty()) {
            if (connect.version() != MqttVersion.V5 && !connect.cleanStart()) {
                refuseEarly(connect, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "empty client id needs clean session [MQTT-3.1.3-8]");
                return;
            }
            if (!settings.allowZeroLengthClientId()) {
                refuseEarly(connect, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client ids are not allowed");
                return;
            }
            id = "tern-" + UUID.randomUUID();
            assigned = true;
        } else if (id.length() > settings.maxClientIdLength()) {
            refuseEarly(connect, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client id longer than " + settings.maxClientIdLength());
            return;
        }
        shard = broker.shardFor(id);
        HandleConnect handleConnect = new HandleConnect(this, connect, id, assigned);
        if (shard.inShard()) {
            handleConnect.run();
        } else if (MOVE_TO_SHARD) {
            // the socket joins the shard's loop: no thread hop per packet in or out from now on
            connection.moveTo(shard.executor(), handleConnect);
        } else {
            shard.submit(handleConnect);
        }
    }

    /**
     * The bytes broke a protocol rule. {@code connectVersion} is the version of the CONNECT being decoded when
     * {@code inConnect}, else ignored.
     */
    public void onDecodeFailure(int reasonCode, String message, MqttVersion connectVersion, boolean inConnect) {
        if (shard != null) {
            HandleDecodeFailure failure = new HandleDecodeFailure(this, reasonCode, message);
            if (inOrderOnShard()) {
                failure.run();
            } else {
                shard.submit(failure); // after the packets that came before it
            }
            return;
        }
        if (REFUSAL_LOG.allow()) {
            LOG.info("closing {}: bad CONNECT: {} ({}){}", connection.remoteAddress(), message,
                    ReasonCode.describe(reasonCode), REFUSAL_LOG.suppressedNote());
        }
        if (!inConnect) {
            connection.close();
            return;
        }
        if (reasonCode == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION && connectVersion != MqttVersion.V5) {
            connection.setVersion(MqttVersion.V3_1_1);
            connection.sendAndClose(Connack.of(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION));
        } else if (connectVersion == MqttVersion.V5) {
            connection.setVersion(MqttVersion.V5);
            connection.sendAndClose(Connack.of(false, reasonCode));
        } else {
            connection.close();
        }
    }

    /** On the shard's thread with nothing of this connection queued before: what arrives now may run at once. */
    private boolean inOrderOnShard() {
        return shard.inShard() && INBOUND_BACKLOG.get(this) == 0;
    }

    /** The socket closed (either side). Called once. */
    public void onClosed() {
        if (closedReported) {
            return;
        }
        closedReported = true;
        broker.connectionClosed();
        if (shard != null) {
            shard.submit(new HandleConnectionLost(this));
        }
    }

    /** The socket can take writes again after having been full. */
    public void onWritable() {
        if (shard != null) {
            shard.run(new HandleWritable(this));
        }
    }

    private void refuseEarly(Connect connect, int v5Code, String why) {
        if (REFUSAL_LOG.allow()) {
            LOG.info("refused {} from {}: {}{}", connect.clientId(), connection.remoteAddress(), why,
                    REFUSAL_LOG.suppressedNote());
        }
        int code = connect.version() == MqttVersion.V5 ? v5Code : v3Code(v5Code);
        connection.sendAndClose(Connack.of(false, code));
    }

    private static int v3Code(int v5Code) {
        return switch (v5Code) {
            case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION -> ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION;
            case ReasonCode.CLIENT_IDENTIFIER_NOT_VALID -> ReasonCode.V3_IDENTIFIER_REJECTED;
            case ReasonCode.BAD_USER_NAME_OR_PASSWORD -> ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD;
            case ReasonCode.NOT_AUTHORIZED -> ReasonCode.V3_NOT_AUTHORIZED;
            default -> ReasonCode.V3_SERVER_UNAVAILABLE;
        };
    }

    // ================= commands handed to the shard =================

    private record HandleConnect(ClientConnection c, Connect connect, String clientId, boolean assigned)
            implements Runnable {
        @Override
        public void run() {
            c.connect(connect, clientId, assigned);
        }
    }

    private record HandlePacket(ClientConnection c, MqttPacket packet) implements Runnable {
        @Override
        public void run() {
            int left = INBOUND_BACKLOG.decrementAndGet(c);
            if (left <= INBOUND_BACKLOG_LIMIT / 2 && INBOUND_PAUSED.compareAndSet(c, 1, 0)) {
                c.connection.resumeReading();
            }
            c.handle(packet);
        }
    }

    private record HandleDecodeFailure(ClientConnection c, int reasonCode, String message) implements Runnable {
        @Override
        public void run() {
            c.protocolError(reasonCode, message);
        }
    }

    private record HandleConnectionLost(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            c.connectionLost();
        }
    }

    private record HandleWritable(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            if (c.state == State.CONNECTED) {
                c.drainQueue();
            }
        }
    }

    private record CheckKeepAlive(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            c.checkKeepAlive();
        }
    }

    // ================= shard side =================

    private void connect(Connect c, String id, boolean assigned) {
        if (state != State.NEW) {
            return;
        }
        version = c.version();
        clientId = id;
        // a verified client certificate's identity replaces whatever username (and password) CONNECT carried
        String certificateIdentity = connection.certificateIdentity();
        username = certificateIdentity != null ? certificateIdentity : c.username();
        boolean v5 = version == MqttVersion.V5;
        if (closedReported) {
            state = State.CLOSED;
            return;
        }
        if (broker.isShuttingDown()) {
            refuse(ReasonCode.SERVER_UNAVAILABLE, "server shutting down");
            return;
        }
        AuthRequest request = certificateIdentity != null
                ? new AuthRequest(id, certificateIdentity, null, connection.remoteAddress(), connection.listener(),
                        true)
                : new AuthRequest(id, c.username(), c.password(), connection.remoteAddress(), connection.listener());
        if (v5 && c.authenticationMethod() != null) {
            EnhancedAuthenticator method = broker.enhancedAuth().method(c.authenticationMethod());
            if (method == null) {
                refuse(ReasonCode.BAD_AUTHENTICATION_METHOD,
                        "authentication method '" + c.authenticationMethod() + "' is not supported");
                return;
            }
            auth = new EnhancedAuthFlow(method);
            authenticating = c;
            idAssigned = assigned;
            onConnectAuthStep(auth.begin(request, c.authenticationData()));
            return;
        }
        dev.tern.spi.auth.Authenticator authenticator = broker.authenticator();
        if (authenticator.mayBlock(request)) {
            // a password hash is slow by design: computed off this thread, which serves many other clients
            state = State.VERIFYING;
            boolean accepted = broker.verifyOffLoop(() -> {
                AuthDecision d = decideSafely(authenticator, request);
                shard.submit(() -> verified(c, assigned, d));
            });
            if (!accepted) {
                state = State.NEW;
                refuse(ReasonCode.SERVER_BUSY, "too many logins waiting for their password check");
            }
            return;
        }
        decided(c, assigned, authenticator.decide(request));
    }

    private static AuthDecision decideSafely(dev.tern.spi.auth.Authenticator authenticator, AuthRequest request) {
        try {
            return authenticator.decide(request);
        } catch (RuntimeException e) {
            LOG.warn("authenticator failed for client {}: {}", request.clientId(), e.toString());
            return AuthDecision.of(AuthResult.NOT_AUTHORIZED);
        }
    }

    /** The verifier thread's answer, back on the shard (the connection may have gone meanwhile). */
    private void verified(Connect c, boolean assigned, AuthDecision decision) {
        if (state != State.VERIFYING) {
            return;
        }
        state = State.NEW;
        decided(c, assigned, decision);
        if (state != State.CONNECTING && state != State.CONNECTED) {
            clearParked();
        }
    }

    private void decided(Connect c, boolean assigned, AuthDecision decision) {
        if (!decision.allowed()) {
            refuseLogin(decision.result(), decision.reason(), c.username());
            return;
        }
        if (decision.username() != null) {
            username = decision.username(); // e.g. the user a JWT names
        }
        admit(c, assigned, decision.validUntil(), null);
    }

    /** One step of the enhanced authentication before CONNACK: challenge the client again, admit or refuse it. */
    private void onConnectAuthStep(AuthStep step) {
        if (step instanceof AuthStep.Continue next) {
            state = State.AUTHENTICATING;
            connection.send(auth.auth(ReasonCode.CONTINUE_AUTHENTICATION, next.serverData()));
            auth.armDeadline(shard, new AuthDeadline(this), broker.enhancedAuth().exchangeTimeout().toMillis());
            return;
        }
        Connect c = authenticating;
        authenticating = null;
        if (step instanceof AuthStep.Success done) {
            username = done.username();
            admit(c, idAssigned, done.validUntil(), done.serverData());
        } else {
            AuthStep.Failure failure = (AuthStep.Failure) step;
            refuseLogin(failure.result(), auth.method() + ": " + failure.reason(), c.username());
        }
    }

    /**
     * A failed login: a wrong password is answered later and later while an address keeps failing, which slows
     * guessing and blocks nothing (a refused anonymous client is not guessing anything, so it is answered at once).
     */
    private void refuseLogin(AuthResult result, String reason, String sentUsername) {
        java.net.InetAddress address = connection.remoteAddress() == null ? null
                : connection.remoteAddress().getAddress();
        long delay = result == AuthResult.BAD_CREDENTIALS ? broker.authFailures().failed(address) : 0;
        int code = result == AuthResult.BAD_CREDENTIALS ? ReasonCode.BAD_USER_NAME_OR_PASSWORD
                : ReasonCode.NOT_AUTHORIZED;
        String why = (result == AuthResult.BAD_CREDENTIALS ? "bad user name or password" : "not authorized")
                + (sentUsername == null ? " (no user name)" : " (user " + sentUsername + ")")
                + (reason == null ? "" : ": " + reason)
                + (delay > 0 ? ", answered after " + delay + " ms" : "");
        if (delay == 0) {
            refuse(code, why);
            return;
        }
        state = State.CLOSED;
        if (REFUSAL_LOG.allow()) {
            LOG.info("refused client {} from {}: {}{}", clientId, connection.remoteAddress(), why,
                    REFUSAL_LOG.suppressedNote());
        }
        shard.schedule(new DelayedRefusal(this, code), delay);
    }

    /**
     * The client proved who it is ({@link #username} is set): checks its will, takes over or creates its session
     * and answers with CONNACK once the store has it.
     *
     * @param validUntil when the credentials expire (null = never)
     * @param authData the last message of an enhanced authentication, for the CONNACK; null = none
     */
    private void admit(Connect c, boolean assigned, java.time.Instant validUntil, byte[] authData) {
        String id = clientId;
        boolean v5 = version == MqttVersion.V5;
        credentialsValidUntil = validUntil;
        identity = new ClientIdentity(id, username, connection.remoteAddress(), connection.listener());
        broker.authFailures().succeeded(connection.remoteAddress() == null ? null
                : connection.remoteAddress().getAddress());
        if (c.will() != null && !limits.topicWithinLimits(c.will().topic())) {
            refuse(ReasonCode.TOPIC_NAME_INVALID, "will topic longer than " + limits.maxTopicLength()
                    + " bytes or deeper than " + limits.maxTopicLevels() + " levels");
            return;
        }
        if (c.will() != null && !broker.mayPublish(identity, c.will().topic())) {
            refuse(ReasonCode.NOT_AUTHORIZED, "the ACL does not allow publishing to the will topic '"
                    + c.will().topic() + "'");
            return;
        }

        int keepAlive = c.keepAlive();
        Integer serverKeepAlive = null;
        if (v5 && settings.maxKeepAlive() < 65535 && (keepAlive == 0 || keepAlive > settings.maxKeepAlive())) {
            keepAlive = settings.maxKeepAlive();
            serverKeepAlive = keepAlive;
        }
        long expiry;
        Long grantedExpiry = null;
        if (v5) {
            expiry = Math.min(c.sessionExpiryInterval(), settings.maxSessionExpiryInterval());
            if (expiry != c.sessionExpiryInterval()) {
                grantedExpiry = expiry;
            }
        } else if (c.cleanStart()) {
            expiry = 0;
        } else {
            long seconds = settings.persistentClientExpiration().toSeconds();
            expiry = seconds == 0 ? MqttSettings.SESSION_NEVER_EXPIRES : seconds;
        }
        connectSessionExpiry = expiry;
        clientReceiveMaximum = settings.outboundWindow(v5 ? c.receiveMaximum() : settings.receiveMaximum());
        clientMaxPacketSize = v5 ? c.maximumPacketSize() : 0;
        clientTopicAliasMaximum = v5 ? c.topicAliasMaximum() : 0;
        will = c.will();

        Shard home = shard;
        Session existing = home.sessions.get(id);
        if (existing != null && existing.connection != null) {
            existing.connection.takenOver(c.cleanStart());
        }
        if (existing != null && existing.connecting != null && existing.connecting != this) {
            existing.connecting.superseded();
        }
        // a session whose expiry is 0 ends with its network connection, a taken-over one included
        boolean resumable = existing != null && !c.cleanStart() && existing.expiryInterval != 0;
        boolean sessionPresent;
        if (!resumable) {
            if (existing != null) {
                broker.endSession(existing);
            }
            session = new Session(id, home, broker::settings, broker.stats());
            // stored queue entries are keyed by client id and seq: a new session never reuses a seq of an earlier
            // session of the same client id, whose late deliveries may still remove their entries (one ended just
            // before this one started included): seqs start from the clock, a thousand per millisecond
            session.backlog.nextSeq(Math.max(existing != null ? existing.backlog.nextSeq() : 1,
                    broker.now() * 1000));
            home.sessions.put(id, session);
            sessionPresent = false;
        } else {
            session = existing;
            session.cancelTimers();
            if (session.willTimer != null) {
                session.willTimer.cancel(false);
                session.willTimer = null;
            }
            session.pendingWill = null;
            sessionPresent = true;
        }
        session.identity = identity;
        session.expiryInterval = expiry;
        session.persistentV3 = !v5 && !c.cleanStart();
        session.connecting = this;
        cleanStart = c.cleanStart();
        connectKeepAlive = keepAlive;
        if (v5) {
            connack = new Connack(sessionPresent, ReasonCode.SUCCESS, grantedExpiry,
                    settings.receiveMaximum() == 65535 ? null : settings.receiveMaximum(), null, null,
                    (long) settings.maxPacketSize(), assigned ? id : null,
                    settings.topicAliasMaximum() == 0 ? null : settings.topicAliasMaximum(), null, null, null,
                    null, serverKeepAlive, null, null, auth == null ? null : auth.method(), authData, List.of());
        } else {
            connack = Connack.of(sessionPresent, ReasonCode.V3_ACCEPTED);
        }
        state = State.CONNECTING;
        ShardJournal journal = home.journal;
        if (journal == null) {
            completeConnect(null);
            return;
        }
        if (session.durable()) {
            journal.add(new dev.tern.spi.storage.Mutation.PutSession(session.record(0)));
            if (session.stored) {
                journal.add(new dev.tern.spi.storage.Mutation.RemoveWill(id));
            }
            session.stored = true;
            session.out.journal(journal);
            session.backlog.durable = true;
        }
        // the stored queue of a resumed session is read back before CONNACK; the store then has the record
        session.whenLoaded(() -> {
            if (!session.durable() && session.stored) {
                // resumed with session expiry 0: what was stored now lives in memory only, and ends with the connection
                session.stored = false;
                session.out.journal(null);
                session.backlog.durable = false;
                journal.add(new dev.tern.spi.storage.Mutation.DeleteSession(session.clientId));
            }
            if (will != null) {
                // after the session's own writes: deleting a stored session deletes its will too
                journal.add(new dev.tern.spi.storage.Mutation.PutWill(dev.tern.spi.storage.PendingWill.armed(
                        clientId, StoredForms.will(willMessage()),
                        Math.min(will.delayInterval(), connectSessionExpiry) * 1000L)));
                willStored = true;
            }
            journal.afterDurable(this::completeConnect);
        });
    }

    /** The store has the session (or there is no store): CONNACK, and the session is this connection's. */
    private void completeConnect(Throwable failure) {
        if (session.connecting != this) {
            return; // another connection took the session over before this one's CONNACK
        }
        session.connecting = null;
        if (state != State.CONNECTING || failure != null) {
            if (failure != null && state == State.CONNECTING) {
                LOG.error("refused client {}: its session could not be stored: {}", clientId, failure.toString());
                refuse(ReasonCode.SERVER_UNAVAILABLE, "storage failure");
            }
            state = State.CLOSED;
            clearParked();
            forgetStoredWill();
            broker.sessionOffline(session, null, 0);
            return;
        }
        boolean sessionPresent = connack.sessionPresent();
        session.connection = this;
        session.backlog.online = true;
        broker.markOnline(clientId, true);
        broker.stats().connects.increment();
        state = State.CONNECTED;
        connectedAtMillis = broker.now();
        connection.send(connack);
        connack = null;
        LOG.info("client {} connected from {} on {} (MQTT {}, {}, keepalive {}s{})", clientId,
                connection.remoteAddress(), connection.listener(), version.displayName(),
                cleanStart ? "clean start" : "resume" + (sessionPresent ? "d session" : " (no session)"),
                connectKeepAlive, username == null ? "" : ", user " + username);

        lastActivityNanos = System.nanoTime();
        if (PublishRateLimiter.isLimited(limits)) {
            rateLimiter = new PublishRateLimiter(limits, lastActivityNanos);
        }
        if (connectKeepAlive > 0) {
            keepAliveTimeoutNanos = connectKeepAlive * 1_500_000_000L;
            keepAliveTimer = shard.schedule(new CheckKeepAlive(this), keepAliveTimeoutNanos / 1_000_000);
        }
        scheduleCredentialsExpiry();
        if (sessionPresent) {
            session.out.resendInflight(this, broker.now());
        }
        drainQueue();
        if (hasParked()) {
            unpark();
        }
    }

    /** A newer CONNECT for the same client id came before this one's CONNACK: this one is dropped unanswered. */
    void superseded() {
        if (state != State.CONNECTING) {
            return;
        }
        LOG.info("client {} from {} superseded by a new connection before its CONNACK", clientId,
                connection.remoteAddress());
        state = State.CLOSED;
        clearParked();
        session.connecting = null;
        forgetStoredWill();
        connection.close();
    }

    private void refuse(int v5Code, String why) {
        if (REFUSAL_LOG.allow()) {
            LOG.info("refused client {} from {}: {}{}", clientId, connection.remoteAddress(), why,
                    REFUSAL_LOG.suppressedNote());
        }
        state = State.CLOSED;
        sendRefusal(v5Code);
    }

    private void sendRefusal(int v5Code) {
        int code = version == MqttVersion.V5 ? v5Code : v3Code(v5Code);
        connection.sendAndClose(Connack.of(false, code));
    }

    /** Command: the delayed answer to a failed login. */
    private record DelayedRefusal(ClientConnection c, int v5Code) implements Runnable {
        @Override
        public void run() {
            c.sendRefusal(v5Code);
        }
    }

    private void handle(MqttPacket packet) {
        if (state == State.AUTHENTICATING) {
            continueConnectAuth(packet);
            return;
        }
        if (state == State.CONNECTING || state == State.VERIFYING) {
            // sent right after CONNECT: handled once the CONNACK is out
            park(packet);
            return;
        }
        if (state != State.CONNECTED) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        if ((holds > 0 || hasParked()) && keepsOrder(packet)) {
            park(packet);
            return;
        }
        dispatch(packet);
    }

    /** Parks a packet; past {@link #PARKED_LIMIT} the socket is not read (QoS 0 publishers have no window). */
    private void park(MqttPacket packet) {
        if (parked == null) {
            parked = new ArrayDeque<>();
        }
        parked.addLast(packet);
        if (parked.size() > PARKED_LIMIT && !readingPaused) {
            readingPaused = true;
            connection.pauseReading();
        }
    }

    private boolean hasParked() {
        return parked != null && !parked.isEmpty();
    }

    private void clearParked() {
        if (parked != null) {
            parked.clear();
        }
    }

    private void dispatch(MqttPacket packet) {
        if (packet instanceof Publish p) {
            onPublish(p);
        } else if (packet instanceof PubAck a) {
            if (session.out.onPubAck(a.packetId())) {
                drainQueue();
            }
        } else if (packet instanceof PubRec r) {
            onPubRec(r);
        } else if (packet instanceof PubRel r) {
            boolean known = session.inboundQos2.remove(r.packetId());
            PubComp comp = PubComp.of(r.packetId(), known || version != MqttVersion.V5
                    ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
            if (known && session.stored) {
                // PUBCOMP only once the id is forgotten for good: the publisher reuses it at once, and a restored
                // stale id would take its next message for a resend and drop it
                shard.journal.add(new dev.tern.spi.storage.Mutation.RemoveInboundPacketId(clientId, r.packetId()));
                shard.journal.afterDurable(failure -> {
                    if (state == State.CONNECTED) {
                        connection.send(comp);
                    }
                });
            } else {
                connection.send(comp);
            }
        } else if (packet instanceof PubComp c) {
            if (session.out.onPubComp(c.packetId())) {
                drainQueue();
            }
        } else if (packet instanceof Subscribe s) {
            onSubscribe(s);
        } else if (packet instanceof Unsubscribe u) {
            onUnsubscribe(u);
        } else if (packet instanceof PingReq) {
            connection.send(PingResp.INSTANCE);
        } else if (packet instanceof Disconnect d) {
            onDisconnect(d);
        } else if (packet instanceof Connect) {
            protocolError(ReasonCode.PROTOCOL_ERROR, "second CONNECT [MQTT-3.1.0-2]");
        } else if (packet instanceof Auth a) {
            onAuth(a);
        } else {
            protocolError(ReasonCode.PROTOCOL_ERROR, packet.type() + " is not sent by clients");
        }
    }

    // ---- enhanced authentication [MQTT-4.12] ----

    /**
     * While the exchange before CONNACK runs, the client may send only AUTH (0x18, same method) or DISCONNECT
     * [MQTT-3.1.2-30]; anything else ends the connection with CONNACK 0x82.
     */
    private void continueConnectAuth(MqttPacket packet) {
        if (packet instanceof Disconnect) {
            LOG.info("client {} from {} disconnected during its authentication", clientId,
                    connection.remoteAddress());
            endConnectAuth();
            connection.close();
            return;
        }
        String misfit = packet instanceof Auth a ? auth.misfit(a)
                : packet.type() + " before the authentication was complete [MQTT-3.1.2-30]";
        if (misfit != null) {
            endConnectAuth();
            refuse(ReasonCode.PROTOCOL_ERROR, misfit);
            return;
        }
        onConnectAuthStep(auth.step(((Auth) packet).authenticationData()));
    }

    private void endConnectAuth() {
        auth.end();
        authenticating = null;
        state = State.CLOSED;
    }

    /** AUTH from a connected client: a re-authentication [MQTT-4.12.1], which other packets do not wait for. */
    private void onAuth(Auth a) {
        if (auth == null) {
            protocolError(ReasonCode.PROTOCOL_ERROR, "AUTH without an authentication method in CONNECT "
                    + "[MQTT-4.12.0-7]");
            return;
        }
        String misfit = auth.misfit(a);
        if (misfit != null) {
            protocolError(ReasonCode.PROTOCOL_ERROR, misfit);
            return;
        }
        AuthStep step;
        if (auth.inProgress()) {
            step = auth.step(a.authenticationData());
        } else {
            // the same user must prove itself again: the authenticator fails an exchange that proves another one
            step = auth.begin(new AuthRequest(clientId, username, null, connection.remoteAddress(),
                    connection.listener()), a.authenticationData());
        }
        if (step instanceof AuthStep.Continue next) {
            connection.send(auth.auth(ReasonCode.CONTINUE_AUTHENTICATION, next.serverData()));
            auth.armDeadline(shard, new AuthDeadline(this), broker.enhancedAuth().exchangeTimeout().toMillis());
        } else if (step instanceof AuthStep.Success done) {
            connection.send(auth.auth(ReasonCode.SUCCESS, done.serverData()));
            LOG.info("client {} re-authenticated ({}, user {})", clientId, auth.method(), done.username());
            credentialsValidUntil = done.validUntil();
            scheduleCredentialsExpiry();
        } else {
            AuthStep.Failure failure = (AuthStep.Failure) step;
            LOG.info("client {} from {} failed to re-authenticate: {}", clientId, connection.remoteAddress(),
                    auth.method() + ": " + failure.reason());
            // DISCONNECT has no 0x86: a wrong password and a refusal are both "not authorized" here
            closeByServer(Disconnect.of(ReasonCode.NOT_AUTHORIZED), true);
        }
    }

    private record AuthDeadline(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            c.authDeadlinePassed();
        }
    }

    /** The client left an exchange unanswered for the exchange timeout (the connect timeout). */
    private void authDeadlinePassed() {
        if (auth == null || !auth.inProgress()) {
            return;
        }
        if (state == State.AUTHENTICATING) {
            if (REFUSAL_LOG.allow()) {
                LOG.info("closing {} (client {}): authentication not complete within the connect timeout{}",
                        connection.remoteAddress(), clientId, REFUSAL_LOG.suppressedNote());
            }
            endConnectAuth();
            connection.close();
        } else if (state == State.CONNECTED) {
            auth.end();
            LOG.info("client {} from {}: re-authentication not complete within the connect timeout", clientId,
                    connection.remoteAddress());
            closeByServer(Disconnect.of(ReasonCode.NOT_AUTHORIZED), true);
        }
    }

    private void onPublish(Publish p) {
        String topic = p.topic();
        PublishProperties props = p.properties();
        Integer alias = props.topicAlias();
        if (alias != null) {
            if (alias == 0 || alias > settings.topicAliasMaximum()) {
                protocolError(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " outside 1.."
                        + settings.topicAliasMaximum());
                return;
            }
            if (inboundAliases == null) {
                inboundAliases = new String[settings.topicAliasMaximum() + 1];
            }
            if (topic.isEmpty()) {
                topic = inboundAliases[alias];
                if (topic == null) {
                    protocolError(ReasonCode.PROTOCOL_ERROR, "topic alias " + alias + " was never set");
                    return;
                }
            } else {
                inboundAliases[alias] = topic;
            }
            props = props.withTopicAlias(null);
        }
        if (!TopicFilter.isValidTopicName(topic)) {
            protocolError(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name '" + topic + "'");
            return;
        }
        if (!limits.topicWithinLimits(topic)) {
            protocolError(ReasonCode.TOPIC_NAME_INVALID, "topic name longer than " + limits.maxTopicLength()
                    + " bytes or deeper than " + limits.maxTopicLevels() + " levels (limits.max-topic-length, "
                    + "limits.max-topic-levels)");
            return;
        }
        if (rateLimiter != null) {
            applyPublishRate(p.payload().length + topic.length());
        }
        int qos = p.qos();
        if (!broker.mayPublish(identity, topic)) {
            refusePublish(p, topic);
            return;
        }
        if (qos == 2) {
            if (session.inboundQos2.contains(p.packetId())) {
                // a resend before PUBREL: acknowledged again, not delivered again [MQTT-4.3.3-10]
                acknowledge(p.packetId(), 2, ReasonCode.SUCCESS);
                return;
            }
            if (session.inboundQos2.size() >= settings.receiveMaximum()) {
                protocolError(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than " + settings.receiveMaximum()
                        + " unacknowledged QoS 2 messages");
                return;
            }
        }
        long now = broker.now();
        Long expiry = props.messageExpiryInterval();
        long expiresAt = expiry == null ? 0 : now + expiry * 1000L;
        Message message = new Message(topic, p.payload(), qos, p.retain(), props, clientId, expiresAt);
        ShardJournal journal = shard.journal;
        if (journal == null || qos == 0) {
            int matched = broker.publish(message, this, null, shard);
            if (qos > 0) {
                if (qos == 2) {
                    session.inboundQos2.add(p.packetId());
                }
                acknowledge(p.packetId(), qos, publishCode(matched));
            }
            return;
        }
        if (qos == 2) {
            session.inboundQos2.add(p.packetId());
            if (session.stored) {
                journal.add(new dev.tern.spi.storage.Mutation.AddInboundPacketId(clientId, p.packetId()));
            }
        }
        // the acknowledgement goes once the message is durable wherever a durable session holds it
        PendingAck ack = new PendingAck(this, p.packetId(), qos);
        ack.reasonCode = publishCode(broker.publish(message, this, ack, shard));
        if (!journal.isEmpty()) {
            // what routing left to store (the inbound QoS 2 id, the retained slot, when no subscriber matched);
            // what it stored with the message, the acknowledgement already waits for
            ack.awaitFlush(journal);
        }
        if (acks == null) {
            acks = new ArrayDeque<>();
        }
        acks.addLast(ack);
        ack.arm();
    }

    private int publishCode(int matched) {
        return version == MqttVersion.V5 && matched == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    }

    /** Sends a PUBACK / PUBREC now, or after those still waiting for the store (acknowledgements keep order). */
    private void acknowledge(int packetId, int qos, int code) {
        if (acks == null || acks.isEmpty()) {
            sendAck(packetId, qos, code);
            return;
        }
        PendingAck ready = new PendingAck(this, packetId, qos);
        ready.reasonCode = code;
        ready.ready = true;
        acks.addLast(ready);
    }

    private void clearAcks() {
        if (acks != null) {
            acks.clear();
        }
    }

    private void sendAck(int packetId, int qos, int code) {
        connection.send(qos == 1 ? PubAck.of(packetId, code) : PubRec.of(packetId, code));
    }

    /** Every batch holding the message of {@code ack} is durable (or failed). Any thread. */
    void acknowledgeWhenStored(PendingAck ack) {
        shard.run(() -> {
            ack.ready = true;
            if (ack.failure() != null) {
                LOG.error("client {}: a message could not be stored ({}); closing the connection so that the client "
                        + "sends it again", clientId, ack.failure().toString());
                clearAcks();
                closeByServer(Disconnect.of(ReasonCode.UNSPECIFIED_ERROR, "storage failure"), false);
                return;
            }
            if (state != State.CONNECTED) {
                clearAcks();
                return;
            }
            while (acks != null && !acks.isEmpty() && acks.peekFirst().ready) {
                PendingAck a = acks.pollFirst();
                sendAck(a.packetId, a.qos, a.reasonCode);
            }
        });
    }

    /**
     * Past the publish rate limits: hold this client (its next PUBLISH packets wait, unacknowledged, and past
     * {@link #PARKED_LIMIT} its socket is not read) until its buckets are back at zero. Nothing is dropped.
     */
    private void applyPublishRate(int bytes) {
        long waitMillis = rateLimiter.take(bytes, System.nanoTime());
        if (waitMillis > 0 && !ratePaused) {
            ratePaused = true;
            if (!rateLogged) {
                rateLogged = true;
                LOG.info("client {} publishes faster than limits.publish-rate {}/s or limits.publish-bytes-rate "
                        + "{} B/s: reading it more slowly", clientId, limits.publishRate(), limits.publishBytesRate());
            }
            hold();
            shard.schedule(new ResumeAfterRate(this), waitMillis);
        }
    }

    private record ResumeAfterRate(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            if (c.ratePaused) {
                c.ratePaused = false;
                c.release();
            }
        }
    }

    /**
     * The ACL does not allow this PUBLISH: MQTT 5 publishers learn it from the acknowledgement (0x87); 3.1.x ones
     * get a normal acknowledgement and the message is dropped, as Mosquitto does.
     */
    private void refusePublish(Publish p, String topic) {
        LOG.debug("client {} may not publish to '{}': dropped", clientId, topic);
        boolean v5 = version == MqttVersion.V5;
        int code = v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.SUCCESS;
        if (p.qos() == 2 && !v5) {
            session.inboundQos2.add(p.packetId()); // so that its PUBREL completes normally
        }
        if (p.qos() > 0) {
            acknowledge(p.packetId(), p.qos(), code);
        }
    }

    private void onPubRec(PubRec r) {
        boolean failed = ReasonCode.isError(r.reasonCode());
        boolean known = session.out.onPubRec(r.packetId(), failed);
        if (failed) {
            drainQueue();
            return;
        }
        int code = known || version != MqttVersion.V5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
        if (known && session.out.isDurable()) {
            // the released state is durable before PUBREL goes: after a crash the broker resends PUBREL, never the
            // PUBLISH, which the client would take for a new message
            int packetId = r.packetId();
            shard.journal.afterDurable(failure -> {
                if (state == State.CONNECTED && session.connection == this) {
                    sendPubRel(packetId, code);
                }
            });
            return;
        }
        sendPubRel(r.packetId(), code);
    }

    private void onSubscribe(Subscribe s) {
        List<Integer> codes = new ArrayList<>(s.subscriptions().size());
        List<SubscriptionEntry> retainedFor = new ArrayList<>();
        boolean v5 = version == MqttVersion.V5;
        for (Subscription sub : s.subscriptions()) {
            TopicFilter.Parsed parsed = TopicFilter.parse(sub.topicFilter());
            if (parsed == null) {
                LOG.debug("client {}: invalid topic filter '{}'", clientId, sub.topicFilter());
                codes.add(v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE);
                continue;
            }
            if (parsed.shareGroup() != null && sub.noLocal()) {
                protocolError(ReasonCode.PROTOCOL_ERROR, "no local on a shared subscription [MQTT-3.8.3-4]");
                return;
            }
            if (!limits.topicWithinLimits(sub.topicFilter())) {
                LOG.info("client {}: topic filter longer than {} bytes or deeper than {} levels refused", clientId,
                        limits.maxTopicLength(), limits.maxTopicLevels());
                codes.add(v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE);
                continue;
            }
            if (limits.maxSubscriptionsPerClient() > 0
                    && session.subscriptions.size() >= limits.maxSubscriptionsPerClient()
                    && !session.subscriptions.containsKey(sub.topicFilter())) {
                LOG.info("client {}: limits.max-subscriptions-per-client {} reached, '{}' refused", clientId,
                        limits.maxSubscriptionsPerClient(), sub.topicFilter());
                codes.add(v5 ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.V3_SUBACK_FAILURE);
                continue;
            }
            if (!broker.maySubscribe(identity, sub.topicFilter())) {
                LOG.debug("client {} may not subscribe to '{}'", clientId, sub.topicFilter());
                codes.add(v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE);
                continue;
            }
            SubscriptionEntry entry = new SubscriptionEntry(clientId, parsed.filter(), parsed.shareGroup(),
                    sub.qos(), sub.noLocal(), sub.retainAsPublished(), sub.retainHandling(),
                    s.subscriptionIdentifier(), session.backlog);
            boolean isNew = session.subscriptions.put(sub.topicFilter(), entry) == null;
            broker.topicIndex().subscribe(entry);
            if (session.stored) {
                shard.journal.add(new dev.tern.spi.storage.Mutation.PutSubscription(
                        new dev.tern.spi.storage.SubscriptionRecord(clientId, parsed.filter(), parsed.shareGroup(),
                                sub.qos(), sub.noLocal(), sub.retainAsPublished(), sub.retainHandling(),
                                s.subscriptionIdentifier())));
            }
            codes.add(sub.qos());
            if (!entry.isShared() && (sub.retainHandling() == 0 || (sub.retainHandling() == 1 && isNew))) {
                retainedFor.add(entry);
            }
        }
        answerWhenStored(new SubAck(s.packetId(), null, List.of(), codes));
        long now = broker.now();
        for (SubscriptionEntry entry : retainedFor) {
            List<Integer> ids = entry.subscriptionId() == null ? List.of() : List.of(entry.subscriptionId());
            if (retainedFeeds == null) {
                retainedFeeds = new ArrayDeque<>();
            }
            retainedFeeds.addLast(new RetainedFeed(broker.retained().cursor(entry.filter(), now), entry, ids));
        }
        feedRetained();
    }

    /** The retained messages of a new subscription not yet handed to the session's flow. */
    private record RetainedFeed(RetainedStore.Cursor cursor, SubscriptionEntry entry, List<Integer> ids) {
    }

    /** Retained messages handed over per task, so that a large set never holds the shard's other clients up. */
    private static final int RETAINED_PER_TASK = 256;
    /** Null until the first subscription with retained messages to send. */
    private ArrayDeque<RetainedFeed> retainedFeeds;
    private boolean feedQueued;

    /**
     * Hands retained messages of new subscriptions to the flow while it has room (its queue short), a bounded number
     * per task: a {@code #} over a million retained messages is paced by the client's window and socket, and memory
     * holds a walk through the index, not the messages. Resumed as acknowledgements come and the socket drains.
     */
    private void feedRetained() {
        if (!hasRetainedFeeds() || state != State.CONNECTED) {
            return;
        }
        long now = broker.now();
        int budget = RETAINED_PER_TASK;
        while (budget-- > 0 && !retainedFeeds.isEmpty() && session.out.hasRoom()) {
            RetainedFeed feed = retainedFeeds.peekFirst();
            Message m = feed.cursor().next();
            if (m == null) {
                retainedFeeds.pollFirst();
                continue;
            }
            if (!broker.mayRead(session, m.topic())) {
                continue;
            }
            int qos = Math.min(m.qos(), feed.entry().qos());
            if (qos > 0 && session.out.isDurable()) {
                shard.journal.putAgain(m); // it may have been replaced (and deleted) since it was read
            }
            session.out.deliver(new Outbound(m, qos, true, feed.ids(), null), this, now);
        }
        session.backlog.queued = session.out.queuedCount();
        if (hasRetainedFeeds() && session.out.hasRoom() && !feedQueued) {
            feedQueued = true; // more to hand over and room for it: after the shard's other work
            shard.submit(new FeedRetained(this));
        }
    }

    private boolean hasRetainedFeeds() {
        return retainedFeeds != null && !retainedFeeds.isEmpty();
    }

    private record FeedRetained(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            c.feedQueued = false;
            c.feedRetained();
        }
    }

    /** SUBACK / UNSUBACK: once the session's stored subscriptions are durable (at once without a store). */
    private void answerWhenStored(MqttPacket answer) {
        if (!session.stored) {
            connection.send(answer);
            return;
        }
        shard.journal.afterDurable(failure -> {
            if (state == State.CONNECTED) {
                connection.send(answer);
            }
        });
    }

    private void onUnsubscribe(Unsubscribe u) {
        List<Integer> codes = new ArrayList<>(u.topicFilters().size());
        for (String filter : u.topicFilters()) {
            SubscriptionEntry removed = session.subscriptions.remove(filter);
            if (removed != null) {
                broker.topicIndex().unsubscribe(clientId, removed.filter(), removed.shareGroup());
                if (session.stored) {
                    shard.journal.add(new dev.tern.spi.storage.Mutation.RemoveSubscription(clientId, filter));
                }
                codes.add(ReasonCode.SUCCESS);
            } else {
                codes.add(ReasonCode.NO_SUBSCRIPTION_EXISTED);
            }
        }
        answerWhenStored(new UnsubAck(u.packetId(), null, List.of(),
                version == MqttVersion.V5 ? codes : List.of()));
    }

    private void onDisconnect(Disconnect d) {
        Long newExpiry = d.sessionExpiryInterval();
        if (newExpiry != null) {
            if (connectSessionExpiry == 0 && newExpiry != 0) {
                protocolError(ReasonCode.PROTOCOL_ERROR,
                        "session expiry set at DISCONNECT after 0 at CONNECT [MQTT-3.14.2-2]");
                return;
            }
            session.expiryInterval = Math.min(newExpiry, settings.maxSessionExpiryInterval());
        }
        boolean sendWill = d.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL_MESSAGE;
        LOG.info("client {} disconnected ({})", clientId, version == MqttVersion.V5
                ? ReasonCode.describe(d.reasonCode()) : "DISCONNECT");
        state = State.CLOSED;
        connection.close();
        goOffline(sendWill);
    }

    /** A rule was broken: MQTT 5 clients get DISCONNECT with the reason first; then the connection closes. */
    void protocolError(int reasonCode, String why) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("closing client {} from {}: {} ({})", clientId, connection.remoteAddress(), why,
                ReasonCode.describe(reasonCode));
        if (state == State.AUTHENTICATING) {
            endConnectAuth();
            sendRefusal(reasonCode);
            return;
        }
        if (state == State.NEW || state == State.CONNECTING || state == State.VERIFYING) {
            // CONNECTING: completeConnect sees the close and lets the session go
            state = State.CLOSED;
            connection.close();
            return;
        }
        closeByServer(Disconnect.of(reasonCode, why), true);
    }

    /** Closes from the server side, sending the DISCONNECT to MQTT 5 clients. */
    void closeByServer(Disconnect disconnect, boolean publishWill) {
        if (state != State.CONNECTED) {
            return;
        }
        broker.stats().serverDisconnect(disconnect.reasonCode());
        state = State.CLOSED;
        if (version == MqttVersion.V5) {
            connection.sendAndClose(disconnect);
        } else {
            connection.close();
        }
        goOffline(publishWill);
    }

    /** Another connection took this client id over [MQTT-3.1.4-3]. */
    private void takenOver(boolean newCleanStart) {
        if (state != State.CONNECTED) {
            return;
        }
        LOG.info("client {} from {} taken over by a new connection", clientId, connection.remoteAddress());
        broker.stats().serverDisconnect(ReasonCode.SESSION_TAKEN_OVER);
        state = State.CLOSED;
        if (version == MqttVersion.V5) {
            connection.sendAndClose(Disconnect.of(ReasonCode.SESSION_TAKEN_OVER));
        } else {
            connection.close();
        }
        stopTimers();
        forgetStoredWill(); // before the new connection stores its own
        // the will goes out unless the session resumes before a will delay runs out
        if (will != null && (newCleanStart || will.delayInterval() == 0)) {
            broker.publishWill(willMessage(), shard);
        }
        will = null;
        session.connection = null;
        session.backlog.online = false;
        session.releaseThrottled();
    }

    private void connectionLost() {
        // what the client sent before closing still counts, a DISCONNECT included
        while (hasParked() && state == State.CONNECTED) {
            dispatch(parked.pollFirst());
        }
        clearParked();
        clearAcks();
        if (state == State.CONNECTED) {
            LOG.info("client {} connection lost", clientId);
            broker.stats().connectionsLost.increment();
            state = State.CLOSED;
            goOffline(true);
        }
        state = State.CLOSED;
        stopTimers(); // and the exchange of a client lost while authenticating
    }

    private void goOffline(boolean publishWill) {
        stopTimers();
        if (!broker.isShuttingDown()) {
            // at shutdown the armed will stays: the next start publishes it unless the client returns in time
            forgetStoredWill();
        }
        if (session == null || session.connection != this) {
            return;
        }
        session.connection = null;
        session.backlog.online = false;
        broker.markOnline(clientId, false);
        session.releaseThrottled();
        broker.rerouteShared(session);
        Message willMessage = publishWill && will != null ? willMessage() : null;
        long delay = will == null ? 0 : will.delayInterval();
        will = null;
        broker.sessionOffline(session, willMessage, delay);
    }

    /** The will as a message; its expiry interval starts when it is published ({@link Broker#publishWill}). */
    private Message willMessage() {
        return new Message(will.topic(), will.payload(), will.qos(), will.retain(), will.properties(), clientId, 0);
    }

    /** The will is published or dropped now: the store's armed copy goes (in the batch that publishes it). */
    private void forgetStoredWill() {
        if (willStored) {
            willStored = false;
            if (shard.journal != null) {
                shard.journal.add(new dev.tern.spi.storage.Mutation.RemoveWill(clientId));
            }
        }
    }

    private void stopTimers() {
        if (auth != null) {
            auth.end();
        }
        if (keepAliveTimer != null) {
            keepAliveTimer.cancel(false);
            keepAliveTimer = null;
        }
        if (credentialsTimer != null) {
            credentialsTimer.cancel(false);
            credentialsTimer = null;
        }
    }

    /** Disconnects the client when its credentials (e.g. a JWT) expire; replaces an earlier timer. */
    private void scheduleCredentialsExpiry() {
        if (credentialsTimer != null) {
            credentialsTimer.cancel(false);
            credentialsTimer = null;
        }
        if (credentialsValidUntil != null) {
            long delay = credentialsValidUntil.toEpochMilli() - broker.now();
            credentialsTimer = shard.schedule(new CredentialsExpired(this), Math.max(0, delay));
        }
    }

    private record CredentialsExpired(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            c.credentialsExpired();
        }
    }

    private void credentialsExpired() {
        credentialsTimer = null;
        if (state != State.CONNECTED) {
            return;
        }
        LOG.info("client {} from {}: credentials expired at {}", clientId, connection.remoteAddress(),
                credentialsValidUntil);
        closeByServer(Disconnect.of(ReasonCode.MAXIMUM_CONNECT_TIME), true);
    }

    private void checkKeepAlive() {
        keepAliveTimer = null;
        if (state != State.CONNECTED) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= keepAliveTimeoutNanos) {
            LOG.info("client {} keep alive timeout", clientId);
            closeByServer(Disconnect.of(ReasonCode.KEEP_ALIVE_TIMEOUT), true);
        } else {
            keepAliveTimer = shard.schedule(new CheckKeepAlive(this),
                    Math.max(1, (keepAliveTimeoutNanos - idle) / 1_000_000));
        }
    }

    // ================= outbound, called by the session's PublishOutFlow =================

    boolean isWritable() {
        return connection.isWritable();
    }

    /** A subscriber this connection publishes to is behind: park its PUBLISH packets. Any thread. */
    void hold() {
        HOLDS.incrementAndGet(this);
    }

    /** Matches one {@link #hold()}; the last release lets the parked packets through. Any thread. */
    void release() {
        if (HOLDS.decrementAndGet(this) == 0 && shard != null) {
            // queued, never inline: the release may come from deep inside a delivery on this very shard
            shard.submit(new Unpark(this));
        }
    }

    private record Unpark(ClientConnection c) implements Runnable {
        @Override
        public void run() {
            c.unpark();
        }
    }

    private void unpark() {
        while (holds <= 0 && hasParked() && state == State.CONNECTED) {
            dispatch(parked.pollFirst());
        }
        if (!hasParked() && readingPaused) {
            readingPaused = false;
            connection.resumeReading();
        }
    }

    /** Packets that must stay behind a parked PUBLISH; acknowledgements and pings never wait. */
    private static boolean keepsOrder(MqttPacket p) {
        return p instanceof Publish || p instanceof Subscribe || p instanceof Unsubscribe || p instanceof Disconnect;
    }

    /** Sends what the queue holds as far as the window allows; lets held-back publishers go once it is short. */
    private void drainQueue() {
        session.out.drain(this, broker.now());
        if (hasRetainedFeeds()) {
            feedRetained();
        }
        session.backlog.queued = session.out.queuedCount();
        if (session.backlog.total() <= broker.throttleLowWater()) {
            session.caughtUp();
        }
    }

    String clientId() {
        return clientId;
    }

    // ---- read by BrokerInspector, on the shard ----
    private long connectedAtMillis;
    private boolean cleanStart;

    /** What an operator sees of this connection; on the shard, once connected. */
    BrokerInspector.ConnectionView view() {
        java.net.InetSocketAddress a = connection.remoteAddress();
        return new BrokerInspector.ConnectionView(username, a == null ? null : a.getAddress().getHostAddress()
                + ":" + a.getPort(), connection.listener(), version.displayName(),
                (int) (keepAliveTimeoutNanos / 1_500_000_000L), cleanStart, connectedAtMillis,
                parked == null ? 0 : parked.size());
    }

    int clientReceiveMaximum() {
        return clientReceiveMaximum;
    }

    /** Sends one PUBLISH; false when it was dropped because it exceeds the client's maximum packet size. */
    boolean sendPublish(Outbound out, int packetId, boolean dup, long now) {
        Message m = out.message();
        if (out.qos() == 0 && sharesFrames(out, now)) {
            return sendSharedFrame(out, m);
        }
        Publish publish;
        if (version == MqttVersion.V5) {
            PublishProperties props = m.properties();
            Long remaining = m.remainingExpirySeconds(now);
            if (remaining != null || !out.subscriptionIds().isEmpty()) {
                props = new PublishProperties(props.payloadFormatIndicator(), remaining, null,
                        props.responseTopic(), props.correlationData(), props.contentType(),
                        out.subscriptionIds(), props.userProperties());
            }
            publish = new Publish(dup, out.qos(), out.retain(), m.topic(), packetId, props, m.payload());
            int size = connection.encodedSize(publish);
            if (clientMaxPacketSize > 0 && size > clientMaxPacketSize) {
                broker.stats().dropped(DropReason.TOO_LARGE);
                LOG.debug("dropped message on {} for {}: {} bytes exceed the client's maximum packet size {}",
                        m.topic(), clientId, size, clientMaxPacketSize);
                return false;
            }
            publish = withOutboundAlias(publish, size);
        } else {
            publish = new Publish(dup, out.qos(), out.retain(), m.topic(), packetId, PublishProperties.EMPTY,
                    m.payload());
        }
        connection.send(publish);
        broker.stats().messagesSent.increment();
        return true;
    }

    /**
     * A QoS 0 PUBLISH is the same bytes for every subscriber of a protocol family unless something per subscriber
     * goes in it: a remaining expiry, subscription identifiers, or a topic alias (MQTT 5).
     */
    private boolean sharesFrames(Outbound out, long now) {
        return version != MqttVersion.V5 || (out.message().expiresAtMillis() == 0
                && out.subscriptionIds().isEmpty() && clientTopicAliasMaximum == 0);
    }

    private boolean sendSharedFrame(Outbound out, Message m) {
        boolean v5 = version == MqttVersion.V5;
        byte[] frame = m.sharedQos0Frame(v5, out.retain(), () -> connection.encode(
                new Publish(false, 0, out.retain(), m.topic(), 0, v5 ? m.properties() : PublishProperties.EMPTY,
                        m.payload())));
        if (clientMaxPacketSize > 0 && frame.length > clientMaxPacketSize) {
            broker.stats().dropped(DropReason.TOO_LARGE);
            return false;
        }
        connection.sendFrame(frame, 0);
        broker.stats().messagesSent.increment();
        return true;
    }

    private Publish withOutboundAlias(Publish publish, int size) {
        if (clientTopicAliasMaximum == 0) {
            return publish;
        }
        if (outboundAliases == null) {
            outboundAliases = new HashMap<>();
        }
        Integer alias = outboundAliases.get(publish.topic());
        if (alias != null) {
            return new Publish(publish.dup(), publish.qos(), publish.retain(), "", publish.packetId(),
                    publish.properties().withTopicAlias(alias), publish.payload());
        }
        if (outboundAliases.size() >= clientTopicAliasMaximum
                || (clientMaxPacketSize > 0 && size + 3 > clientMaxPacketSize)) {
            return publish;
        }
        int next = outboundAliases.size() + 1;
        outboundAliases.put(publish.topic(), next);
        return new Publish(publish.dup(), publish.qos(), publish.retain(), publish.topic(), publish.packetId(),
                publish.properties().withTopicAlias(next), publish.payload());
    }

    void sendPubRel(int packetId) {
        sendPubRel(packetId, ReasonCode.SUCCESS);
    }

    private void sendPubRel(int packetId, int reasonCode) {
        connection.send(PubRel.of(packetId, reasonCode));
    }
}

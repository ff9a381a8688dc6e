package dev.tern.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in broker for tests of {@code tern bench conn}: accepts on a loopback port, reads each connection's
 * CONNECT, answers CONNACK (accepted), and records the address every connection came from.
 */
final class ConnackServer implements AutoCloseable {
    private static final byte[] CONNACK_ACCEPTED = {0x20, 0x02, 0x00, 0x00};

    private final ServerSocket server;
    private final List<String> sources = new ArrayList<>();
    private final List<Socket> accepted = new ArrayList<>();
    private final Thread acceptor;

    ConnackServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptAll, "connack-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The source address of every connection that sent a CONNECT, as text. */
    synchronized List<String> sourceAddresses() {
        return List.copyOf(sources);
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (this) {
                    accepted.add(s);
                }
                readConnect(s.getInputStream());
                synchronized (this) {
                    sources.add(s.getInetAddress().getHostAddress());
                }
                s.getOutputStream().write(CONNACK_ACCEPTED);
            } catch (IOException e) {
                // closed, or a client that went away: the test's assertions tell
            }
        }
    }

    /** Reads one whole packet (fixed header, remaining length, body). */
    private static void readConnect(InputStream in) throws IOException {
        if (in.read() < 0) {
            throw new IOException("closed before CONNECT");
        }
        int remaining = 0;
        int shift = 0;
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new IOException("closed in the fixed header");
            }
            remaining |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (in.readNBytes(remaining).length != remaining) {
            throw new IOException("closed in CONNECT");
        }
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}

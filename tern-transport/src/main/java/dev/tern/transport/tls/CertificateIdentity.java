package dev.tern.transport.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The identity of a client certificate for {@code use-identity-as-username}: the subject's common name (CN), as
 * Mosquitto's {@code use_identity_as_username}; for a certificate without a CN, its first subject alternative name
 * of type DNS, e-mail, URI or IP address.
 */
public final class CertificateIdentity {
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    private CertificateIdentity() {
    }

    /** The identity of the verified peer certificate of a finished handshake; null when the client sent none. */
    public static String of(SSLSession session) {
        if (session == null) {
            return null;
        }
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
            return null;
        }
        return of(leaf);
    }

    /** The CN of the subject, else the first DNS/e-mail/URI/IP subject alternative name; null when none. */
    public static String of(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            if (rdn.getFirst() != null) {
                String cn = IETFUtils.valueToString(rdn.getFirst().getValue());
                if (!cn.isEmpty()) {
                    return cn;
                }
            }
        }
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    Object type = name.get(0);
                    if (type instanceof Integer t && (t == SAN_DNS || t == SAN_EMAIL || t == SAN_URI || t == SAN_IP)
                            && name.get(1) instanceof String value && !value.isEmpty()) {
                        return value;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return null;
    }
}

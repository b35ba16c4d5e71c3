package id.lumbung.config;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS for the terminal and ISO 8583 ports from {@link EngineConfig}: PEM key and chain, and in
 * mutual mode the client CA and {@link ClientAuth#REQUIRED}; plus the subject CN of a client
 * certificate, which in mutual mode must be the terminal id.
 */
public final class Tls {
    private Tls() {
    }

    /** Applies the TLS settings to server options (HTTP or TCP); nothing when TLS is off. */
    public static <T extends NetServerOptions> T apply(T options, EngineConfig config) {
        if (!config.tlsEnabled()) {
            return options;
        }
        applyServerOnly(options, config);
        if (config.tlsClientAuthRequired) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(config.tlsClientCaPath.toString()));
            options.setClientAuth(ClientAuth.REQUIRED);
        }
        return options;
    }

    /**
     * Server-authenticated TLS with the configured key and chain, never asking for a client
     * certificate (the ops port: its admin token authorises); nothing when TLS is off.
     */
    public static <T extends NetServerOptions> T applyServerOnly(T options, EngineConfig config) {
        if (!config.tlsEnabled()) {
            return options;
        }
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setKeyPath(config.tlsKeyPath.toString()).setCertPath(config.tlsCertPath.toString()));
        return options;
    }

    /**
     * The single CN of the peer's leaf certificate, or null: no TLS, no certificate, none or several
     * CNs (ambiguous, so refused).
     */
    public static String peerCommonName(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            return commonName(leaf);
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static String commonName(X509Certificate certificate) {
        String cn = null;
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    if (cn != null || !(rdn.getValue() instanceof String value)) {
                        return null;
                    }
                    cn = value;
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return cn;
    }
}

package id.lumbung.config;

/**
 * Reaching a listener of this process from this host, given the address it binds: the ops port's
 * own warm-up and a Kafka node's advertised URL (without {@code --node-url}) both need one.
 */
public final class BindAddress {
    private BindAddress() {
    }

    /** The address that reaches a listener bound to {@code bind}: loopback for a wildcard bind, else the bind itself. */
    public static String connectHost(String bind) {
        return switch (bind) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]", "0:0:0:0:0:0:0:0" -> "::1";
            default -> bind;
        };
    }

    /**
     * {@code http://host:port} for a listener bound to {@code bind} (RFC 3986 section 3.2.2: an
     * IPv6 literal is written in brackets).
     */
    public static String httpUrl(String bind, int port) {
        String host = connectHost(bind);
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }
}

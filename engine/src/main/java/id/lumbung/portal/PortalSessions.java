package id.lumbung.portal;

import io.vertx.core.shareddata.Shareable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Portal sign-in sessions, shared by every event loop of one engine. A session is a random
 * 256-bit id (the cookie value) bound to one cooperative and to the digest of the token it signed
 * in with; it ends {@link #SESSION_MS} after sign-in whatever the browser does with its cookie,
 * at sign-out, or when the cooperative's token changes. Time comes from the engine clock.
 */
final class PortalSessions implements Shareable {
    /** Eight hours (8 × 3,600,000 ms): a treasurer's working day; the cookie's Max-Age is the same. */
    static final long SESSION_MS = 8 * 3_600_000L;
    /**
     * Sessions held at most: about 200 bytes each (43-character id, map node, record), so 100,000
     * is about 20 MB. Only a holder of a cooperative's token can open one; when full, expired ones
     * are dropped, and if none has expired a sign-in is refused until one does.
     */
    static final int SESSIONS_MAX = 100_000;
    /** 32 random bytes, 43 characters of unpadded base64url. */
    private static final int ID_BYTES = 32;

    /** One signed-in cooperative. */
    record Session(int coopIndex, byte[] tokenSha256, long startedAtEpochMs) {
    }

    private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();
    private final Clock clock;
    private final SecureRandom random;

    PortalSessions(Clock clock) {
        this.clock = clock;
        try {
            // DRBG: seeded once here, then pure computation (no read of /dev/urandom per sign-in)
            this.random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("DRBG is part of every Java 9+ runtime", e);
        }
        random.nextBytes(new byte[ID_BYTES]);
    }

    /** Opens a session, or answers null when {@link #SESSIONS_MAX} live sessions are held. */
    String start(int coopIndex, byte[] tokenSha256) {
        long now = clock.millis();
        if (byId.size() >= SESSIONS_MAX) {
            byId.values().removeIf(s -> expired(s, now));
            if (byId.size() >= SESSIONS_MAX) {
                return null;
            }
        }
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byId.put(id, new Session(coopIndex, tokenSha256.clone(), now));
        return id;
    }

    /**
     * The live session of this id, or null: an unknown id, an expired session (removed here) or
     * one whose cooperative's token is no longer {@code currentTokenSha256} (removed too).
     */
    Session find(String id, java.util.function.IntFunction<byte[]> currentTokenSha256) {
        if (id == null) {
            return null;
        }
        Session s = byId.get(id);
        if (s == null) {
            return null;
        }
        if (expired(s, clock.millis()) || !MessageDigest.isEqual(s.tokenSha256(), currentTokenSha256.apply(s.coopIndex()))) {
            byId.remove(id, s);
            return null;
        }
        return s;
    }

    void end(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    private static boolean expired(Session s, long nowEpochMs) {
        return nowEpochMs - s.startedAtEpochMs() >= SESSION_MS;
    }
}

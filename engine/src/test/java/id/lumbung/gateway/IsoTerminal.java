package id.lumbung.gateway;

import id.lumbung.reference.DemoCredentials;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;

/** A card terminal for tests: jPOS-packed ISO87B messages framed by a 2-byte big-endian length. */
public final class IsoTerminal {
    /** Field 64 is 8 bytes (ISO87B {@code IFB_BINARY}). */
    public static final int MAC_BYTES = 8;

    private IsoTerminal() {
    }

    /** A 0200 purchase dated now in Jakarta (fields 7, 12, 13), field 4 in minor units (exponent 2). */
    public static ISOMsg purchaseNow(String terminalId, String traderId, String rrn, long amountMinor, String panOrNull)
            throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZoneId.of("Asia/Jakarta"));
        ISOMsg m = new ISOMsg();
        m.setPackager(new ISO87BPackager());
        m.setMTI("0200");
        if (panOrNull != null) {
            m.set(2, panOrNull);
        }
        m.set(3, "000000");
        m.set(4, String.format("%012d", amountMinor));
        m.set(7, now.format(DateTimeFormatter.ofPattern("MMddHHmmss")));
        m.set(11, "000123");
        m.set(12, now.format(DateTimeFormatter.ofPattern("HHmmss")));
        m.set(13, now.format(DateTimeFormatter.ofPattern("MMdd")));
        m.set(37, rrn);
        m.set(41, terminalId);
        m.set(42, traderId);
        m.set(49, "360");
        return m;
    }

    /** A 0400 reversal of the purchase with RRN {@code rrn} of {@code terminalId} (fields 4 and 7 fixed: not part of the key). */
    public static ISOMsg reversal(String terminalId, String rrn) throws Exception {
        ISOMsg m = new ISOMsg();
        m.setPackager(new ISO87BPackager());
        m.setMTI("0400");
        m.set(3, "000000");
        m.set(4, "000001000000");
        m.set(7, "1129031630");
        m.set(11, "000124");
        m.set(37, rrn);
        m.set(41, terminalId);
        return m;
    }

    /**
     * Sets field 64 as DESIGN.md defines it: the first 8 bytes of HMAC-SHA256(key, the message's
     * bytes from the MTI up to field 64, exclusive). jPOS packs the message with a placeholder
     * field 64, which announces the field in the bitmap and comes last (no field above 64 is set),
     * so the MAC input is every packed byte but the last 8; {@code javax.crypto.Mac} computes it,
     * independently of the gateway's own HMAC.
     */
    public static ISOMsg withMac(ISOMsg m, byte[] key) throws Exception {
        m.set(64, new byte[MAC_BYTES]);
        byte[] packed = m.pack();
        m.set(64, mac(key, packed, packed.length - MAC_BYTES));
        return m;
    }

    /** The first 8 bytes of HMAC-SHA256(key, bytes[0..length)). */
    public static byte[] mac(byte[] key, byte[] bytes, int length) throws Exception {
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        hmac.update(bytes, 0, length);
        return Arrays.copyOf(hmac.doFinal(), MAC_BYTES);
    }

    /**
     * Whether a packed answer carries field 64 and it is the MAC of the answer's bytes before it
     * under {@code key}. jPOS unpacks the answer to find the field; the gateway sends nothing above 64.
     */
    public static boolean answerMacValid(byte[] answer, byte[] key) throws Exception {
        ISOMsg m = unpack(answer);
        return m.hasField(64) && Arrays.equals(m.getBytes(64), mac(key, answer, answer.length - MAC_BYTES));
    }

    /** A packed ISO87B message, unpacked by jPOS. */
    public static ISOMsg unpack(byte[] packed) throws Exception {
        ISOMsg r = new ISOMsg();
        r.setPackager(new ISO87BPackager());
        r.unpack(packed);
        return r;
    }

    /**
     * Signs {@code request} with the demo key of the terminal in its field 41 (DemoCredentials),
     * sends it on {@code socket} and reads the answer, checking that the answer carries a valid
     * MAC under the same key.
     */
    public static ISOMsg exchange(Socket socket, ISOMsg request) throws Exception {
        byte[] key = DemoCredentials.terminalKey(request.getString(41));
        byte[] answer = exchangeRaw(socket, withMac(request, key).pack());
        if (!answerMacValid(answer, key)) {
            throw new AssertionError("answer without a valid field 64 under the key that signed the request");
        }
        return unpack(answer);
    }

    /** Sends one packed message on {@code socket} as it is, and reads the packed answer. */
    public static byte[] exchangeRaw(Socket socket, byte[] packed) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {(byte) (packed.length >> 8), (byte) packed.length});
        out.write(packed);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] answer = new byte[in.readUnsignedShort()];
        in.readFully(answer);
        return answer;
    }
}

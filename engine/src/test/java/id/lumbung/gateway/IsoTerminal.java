package id.lumbung.gateway;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;

/** A card terminal for tests: jPOS-packed ISO87B messages framed by a 2-byte big-endian length. */
public final class IsoTerminal {
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

    /** Sends one message on {@code socket} and reads the answer. */
    public static ISOMsg exchange(Socket socket, ISOMsg request) throws Exception {
        byte[] packed = request.pack();
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {(byte) (packed.length >> 8), (byte) packed.length});
        out.write(packed);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] answer = new byte[in.readUnsignedShort()];
        in.readFully(answer);
        ISOMsg r = new ISOMsg();
        r.setPackager(new ISO87BPackager());
        r.unpack(answer);
        return r;
    }
}

package id.lumbung.crash;

import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Run in its own JVM: opens the journal, starts a document, writes a few bytes and halts the JVM
 * before the document is complete, the way a SIGKILL in the middle of an append leaves the queue
 * (an incomplete header, the append lock held by a dead process).
 */
public final class TornWriter {
    public static void main(String[] args) {
        SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(Path.of(args[0])).rollCycle(RollCycles.FAST_DAILY).build();
        ExcerptAppender a = q.createAppender();
        DocumentContext dc = a.writingDocument();
        dc.wire().bytes().write(new byte[] {1, 1, 60, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        System.out.println("halting mid-write");
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }
}

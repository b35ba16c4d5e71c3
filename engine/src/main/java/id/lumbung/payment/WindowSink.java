package id.lumbung.payment;

/** Receives closed windows, in journal order, on the journal writer thread; must hand off at once. */
@FunctionalInterface
public interface WindowSink {
    void onWindowClosed(ClosedWindow window);
}

package id.lumbung.writer;

/**
 * How the journal writer makes a group durable: called once per group, after every command of the
 * group executed (and appended its entries), before any of them is completed. The Chronicle
 * journal forces its cycle files ({@link ChronicleGroupCommit}); a replicated journal commits its
 * transaction. Writer thread only.
 */
public interface GroupCommit {

    /**
     * Makes everything appended since the last call as durable as the journal promises.
     *
     * @return true when something was forced or committed, false when nothing needed it (nothing
     *     appended, or a group that {@code async} durability leaves to the operating system)
     * @throws RuntimeException when the entries are not durable: nothing of the group may be
     *     acknowledged
     */
    boolean commit();
}

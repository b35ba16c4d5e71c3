package id.lumbung.config;

/** What an acknowledgement promises. */
public enum Durability {
    /** Answered only after the entry is forced to disk (fdatasync of the journal cycle file), one force per group commit. */
    SYNC,
    /** Answered once the entry is in the memory-mapped journal: survives a process crash, not a power loss. */
    ASYNC
}

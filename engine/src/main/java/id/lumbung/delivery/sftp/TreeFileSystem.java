package id.lumbung.delivery.sftp;

import java.util.List;
import java.util.Set;
import org.apache.sshd.common.file.util.BaseFileSystem;

/** One cooperative's read-only view of its settlement batches, for one SFTP session. */
final class TreeFileSystem extends BaseFileSystem<TreePath> {
    private final SettlementTree tree;
    private volatile boolean open = true;

    TreeFileSystem(TreeFileSystemProvider provider, SettlementTree tree) {
        super(provider);
        this.tree = tree;
    }

    SettlementTree tree() {
        return tree;
    }

    @Override
    protected TreePath create(String root, List<String> names) {
        return new TreePath(this, root, names);
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix", "unix");
    }

    @Override
    public java.nio.file.attribute.UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("the settlement tree has no users to look up");
    }
}

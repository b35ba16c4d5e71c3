package id.lumbung.delivery.sftp;

import java.nio.file.LinkOption;
import java.util.List;
import org.apache.sshd.common.file.util.BasePath;

/** A path in a cooperative's {@link SettlementTree}; MINA's {@link BasePath} does the path algebra. */
final class TreePath extends BasePath<TreePath, TreeFileSystem> {
    TreePath(TreeFileSystem fs, String root, List<String> names) {
        super(fs, root, names);
    }

    @Override
    public TreePath toRealPath(LinkOption... options) {
        return toAbsolutePath().normalize(); // the tree has no links
    }

    /** The names from the root of this path, made absolute and normalised: "..", "." and repeated "/" resolved. */
    List<String> elements() {
        return toRealPath().names;
    }
}

package id.lumbung.delivery.sftp;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider of {@link TreeFileSystem}s: reads only. Opening for anything but reading, creating,
 * deleting, moving, copying, linking and changing attributes all throw
 * {@link AccessDeniedException}, whatever the path; a path that is not in the cooperative's tree
 * throws {@link NoSuchFileException}. A file is read from the data file its batch lists, and only
 * while that file has its listed size (as the HTTP download checks).
 */
final class TreeFileSystemProvider extends FileSystemProvider {
    static final String SCHEME = "lumbung-settlements";
    private static final Set<PosixFilePermission> FOLDER_PERMISSIONS = PosixFilePermissions.fromString("r-xr-xr-x");
    private static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("r--r--r--");
    private static final Set<StandardOpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ);

    /** A new file system for one session of {@code tree}'s cooperative. */
    TreeFileSystem newFileSystem(SettlementTree tree) {
        return new TreeFileSystem(this, tree);
    }

    private static TreePath tree(Path path) {
        if (!(path instanceof TreePath p)) {
            throw new ProviderMismatchException("not a settlement tree path: " + path);
        }
        return p;
    }

    static SettlementTree.Node node(Path path) throws NoSuchFileException {
        TreePath p = tree(path);
        return p.getFileSystem().tree().resolve(p.elements(), p.toString());
    }

    static AccessDeniedException denied(Path path) {
        return new AccessDeniedException(String.valueOf(path), null, "the settlement tree is read-only");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("settlement trees are made per SFTP session");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("settlement trees are made per SFTP session");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("settlement trees are made per SFTP session");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        for (OpenOption o : options) {
            if (o != StandardOpenOption.READ && o != LinkOption.NOFOLLOW_LINKS) {
                throw denied(path);
            }
        }
        SettlementTree.Node node = node(path);
        if (node.folder()) {
            throw new IOException(path + " is a folder");
        }
        FileChannel channel = FileChannel.open(node.file(), READ_OPTIONS);
        if (channel.size() != node.sizeBytes()) {
            // the file changed under us: never serve bytes that do not match the listed digest
            channel.close();
            throw new NoSuchFileException(path.toString(), null, "file does not match its listed size");
        }
        return channel;
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        TreePath p = tree(dir);
        List<String> names = p.getFileSystem().tree().list(p.elements(), p.toString());
        List<Path> entries = new java.util.ArrayList<>(names.size());
        for (String name : names) {
            Path entry = p.resolve(name);
            if (filter == null || filter.accept(entry)) {
                entries.add(entry);
            }
        }
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                return entries.iterator();
            }

            @Override
            public void close() {
                // nothing held open
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw denied(dir);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        throw denied(link);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        throw denied(link);
    }

    @Override
    public void delete(Path path) throws IOException {
        throw denied(path);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        throw denied(target);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        throw denied(source);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        node(link);
        throw new java.nio.file.NotLinkException(link.toString());
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return tree(path).toRealPath().equals(tree(path2).toRealPath());
    }

    @Override
    public boolean isHidden(Path path) {
        return false;
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("the settlement tree has no file store");
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        SettlementTree.Node node = node(path);
        for (AccessMode m : modes) {
            if (m == AccessMode.WRITE || m == AccessMode.EXECUTE && !node.folder()) {
                throw denied(path);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type == BasicFileAttributeView.class || type == PosixFileAttributeView.class) {
            return (V) new View(tree(path));
        }
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (type == BasicFileAttributes.class || type == PosixFileAttributes.class) {
            return (A) new Attributes(node(path), tree(path).getFileSystem().tree().coopId());
        }
        throw new UnsupportedOperationException("attributes " + type.getSimpleName() + " are not kept");
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String wanted = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (!view.equals("basic") && !view.equals("posix") && !view.equals("unix")) {
            throw new UnsupportedOperationException("attribute view " + view + " is not kept");
        }
        Attributes a = new Attributes(node(path), tree(path).getFileSystem().tree().coopId());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("size", a.size());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", false);
        all.put("isOther", false);
        all.put("fileKey", null);
        if (!view.equals("basic")) {
            all.put("permissions", a.permissions());
            all.put("owner", a.owner());
            all.put("group", a.group());
        }
        if (view.equals("unix")) {
            // the tree has no local users: a fixed id, so that clients that ask ownership before a
            // change (OpenSSH's chgrp, chown) get as far as the server's refusal
            all.put("uid", 0);
            all.put("gid", 0);
        }
        if (wanted.equals("*")) {
            return all;
        }
        Map<String, Object> some = new LinkedHashMap<>();
        for (String name : wanted.split(",")) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException("unknown attribute " + view + ":" + name);
            }
            some.put(name, all.get(name));
        }
        return some;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        throw denied(path);
    }

    /** A folder or file's attributes: read-only permissions, the cooperative as owner and group. */
    private record Attributes(SettlementTree.Node node, String coopId) implements PosixFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return FileTime.fromMillis(node.modifiedEpochMs());
        }

        @Override
        public FileTime lastAccessTime() {
            return lastModifiedTime();
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime();
        }

        @Override
        public boolean isRegularFile() {
            return !node.folder();
        }

        @Override
        public boolean isDirectory() {
            return node.folder();
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public long size() {
            return node.sizeBytes();
        }

        @Override
        public Object fileKey() {
            return null;
        }

        @Override
        public UserPrincipal owner() {
            return new Principal(coopId);
        }

        @Override
        public GroupPrincipal group() {
            return new Principal(coopId);
        }

        @Override
        public Set<PosixFilePermission> permissions() {
            return node.folder() ? FOLDER_PERMISSIONS : FILE_PERMISSIONS;
        }
    }

    private record Principal(String getName) implements GroupPrincipal {
    }

    /** Reads attributes; every change is refused. */
    private final class View implements PosixFileAttributeView {
        private final TreePath path;

        View(TreePath path) {
            this.path = path;
        }

        @Override
        public String name() {
            return "posix";
        }

        @Override
        public PosixFileAttributes readAttributes() throws IOException {
            return new Attributes(node(path), path.getFileSystem().tree().coopId());
        }

        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
            throw denied(path);
        }

        @Override
        public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
            throw denied(path);
        }

        @Override
        public void setGroup(GroupPrincipal group) throws IOException {
            throw denied(path);
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return readAttributes().owner();
        }

        @Override
        public void setOwner(UserPrincipal owner) throws IOException {
            throw denied(path);
        }
    }
}

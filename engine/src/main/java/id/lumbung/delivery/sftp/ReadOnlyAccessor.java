package id.lumbung.delivery.sftp;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * MINA's hooks between an SFTP request and the file system, pinned to the settlement tree: files and
 * folders are opened through the tree's provider (MINA's defaults expect a local file system:
 * secure directory streams, no-follow opens), and every request that would change anything is
 * refused here as well as by the tree itself.
 */
final class ReadOnlyAccessor implements SftpFileSystemAccessor {
    static final ReadOnlyAccessor INSTANCE = new ReadOnlyAccessor();

    private ReadOnlyAccessor() {
    }

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return file.getFileSystem().provider().newByteChannel(file, options);
    }

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
            long position, long size, boolean shared) throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel)
            throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem, DirectoryHandle dirHandle, Path dir, String handle,
            LinkOption... options) throws IOException {
        return Files.newDirectoryStream(dir);
    }

    @Override
    public void applyExtensionFileAttributes(SftpSubsystemProxy subsystem, Path file, Map<String, byte[]> extensions,
            LinkOption... options) throws IOException {
        if (extensions != null && !extensions.isEmpty()) {
            throw TreeFileSystemProvider.denied(file);
        }
    }

    @Override
    public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute, Object value,
            LinkOption... options) throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public void setFileOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
            throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public void setGroupOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
            throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public void setFilePermissions(SftpSubsystemProxy subsystem, Path file, Set<PosixFilePermission> perms,
            LinkOption... options) throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public void setFileAccessControl(SftpSubsystemProxy subsystem, Path file, List<AclEntry> acl, LinkOption... options)
            throws IOException {
        throw TreeFileSystemProvider.denied(file);
    }

    @Override
    public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
        throw TreeFileSystemProvider.denied(path);
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) throws IOException {
        throw TreeFileSystemProvider.denied(link);
    }

    @Override
    public String resolveLinkTarget(SftpSubsystemProxy subsystem, Path link) throws IOException {
        TreeFileSystemProvider.node(link);
        throw new java.nio.file.NotLinkException(link.toString());
    }

    @Override
    public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts)
            throws IOException {
        throw TreeFileSystemProvider.denied(oldPath);
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts) throws IOException {
        throw TreeFileSystemProvider.denied(dst);
    }

    @Override
    public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
        throw TreeFileSystemProvider.denied(path);
    }
}

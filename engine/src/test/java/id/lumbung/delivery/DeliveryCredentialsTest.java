package id.lumbung.delivery;

import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.reference.ReferenceFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static id.lumbung.delivery.DeliveryFixture.BRH;
import static id.lumbung.delivery.DeliveryFixture.KLW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delivery columns and files: what loads, and each mistake named by file and line, secrets never echoed. */
class DeliveryCredentialsTest {
    private static final String SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPs+U2OIFmBNNVzRlTnYvUpljHwyTqzxAZMtafX11adB treasurer@brh";

    @TempDir
    Path dir;

    private DeliveryCredentials load(Path ref, Path secrets) throws Exception {
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        return DeliveryCredentials.load(ref, secrets, reference);
    }

    @Test
    void loadsUrlsSecretsAndKeys() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref"));
        DeliveryFixture.webhookUrl(ref, BRH, "https://brh.example/hooks?x=1");
        Files.writeString(ref.resolve("webhook_secrets.csv"), "coop_id,secret_hex\n" + BRH + "," + SECRET + "\n");
        Files.writeString(ref.resolve("ssh_keys.csv"), "coop_id,public_key\n" + BRH + "," + KEY + "\n" + BRH + "," + KEY + "2\n");
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        DeliveryCredentials c = DeliveryCredentials.load(ref, null, reference);
        String brh = BRH;
        String klw = KLW;
        assertThat(c.webhookUrl(brh)).isEqualTo(URI.create("https://brh.example/hooks?x=1"));
        assertThat(c.webhookUrl(klw)).isNull();
        assertThat(c.webhookSecret(brh)).isEqualTo(HexFormat.of().parseHex(SECRET));
        assertThat(c.webhookSecret(klw)).isNull();
        assertThat(c.sshKeys(brh)).containsExactly(KEY, KEY + "2");
        assertThat(c.sshKeys(klw)).isEmpty();
        assertThat(c.coopsWithWebhook()).containsExactly(BRH);
        assertThat(c.toString()).doesNotContain(SECRET).doesNotContain("AAAAC3");
        // the money-moving reference data loads the same with the extra column
        assertThat(reference.coopCount()).isEqualTo(3);
    }

    @Test
    void noDeliveryFilesMeansNoWebhooksAndNoKeys() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref"));
        DeliveryCredentials c = load(ref, null);
        assertThat(c.coopsWithWebhook()).isEmpty();
        assertThat(c.sshKeys(BRH)).isEmpty();
    }

    @Test
    void eachMistakeIsNamedByFileAndLine() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref"));
        Path secrets = ref.resolve("webhook_secrets.csv");
        Path keys = ref.resolve("ssh_keys.csv");

        Files.writeString(secrets, "coop_id,secret_hex\n" + BRH + "," + SECRET.substring(2) + "zz\n");
        assertThatThrownBy(() -> load(ref, null)).isInstanceOf(ReferenceDataException.class)
                .hasMessage(secrets + " line 2: secret_hex must be 64 hex characters (32 bytes), found 64 characters")
                .message().doesNotContain(SECRET.substring(2));
        Files.writeString(secrets, "coop_id,secret_hex\n" + BRH + "," + SECRET + "\n" + BRH + "," + SECRET + "\n");
        assertThatThrownBy(() -> load(ref, null)).hasMessage(secrets + " line 3: duplicate coop_id '" + BRH + "'");
        Files.writeString(secrets, "coop_id,secret_hex\nKSP-NOBODY," + SECRET + "\n");
        assertThatThrownBy(() -> load(ref, null)).hasMessage(secrets + " line 2: unknown coop_id 'KSP-NOBODY'");
        Files.delete(secrets);

        Files.writeString(keys, "coop_id,public_key\n" + BRH + "," + KEY + "\n" + BRH + ",ssh-ed25519 not-base64!\n");
        assertThatThrownBy(() -> load(ref, null)).hasMessage(keys + " line 3: public_key must be an OpenSSH public key line"
                + " ('<type> <base64> [comment]', as in a .pub file)");
        Files.writeString(keys, "coop_id,public_key\n" + BRH + ",ssh-rsa " + KEY.split(" ")[1] + "\n");
        assertThatThrownBy(() -> load(ref, null)).hasMessageStartingWith(keys + " line 2: public_key must be an OpenSSH");
        Files.writeString(keys, "coop_id,key\n");
        assertThatThrownBy(() -> load(ref, null)).hasMessage(keys + " line 1: header column 2 is 'key', expected 'public_key'");
        Files.delete(keys);

        DeliveryFixture.webhookUrl(ref, BRH, "ftp://brh.example/x");
        assertThatThrownBy(() -> load(ref, null)).hasMessage(ref.resolve("coops.csv") + " line 2: webhook_url must be an"
                + " http or https URL with a host and no user info or fragment, found 'ftp://brh.example/x'");
    }

    @Test
    void secretsFromAnExplicitPathWhichMustExist() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref"));
        DeliveryFixture.webhookUrl(ref, KLW, "http://127.0.0.1:9/hook");
        Path secrets = dir.resolve("private").resolve("secrets.csv");
        assertThatThrownBy(() -> load(ref, secrets)).hasMessage(secrets + ": missing file");
        Files.createDirectories(secrets.getParent());
        Files.writeString(secrets, "coop_id,secret_hex\n" + KLW + "," + SECRET + "\n");
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        DeliveryCredentials c = DeliveryCredentials.load(ref, secrets, reference);
        assertThat(c.webhookSecret(KLW)).isEqualTo(HexFormat.of().parseHex(SECRET));
    }
}

package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over TLS, a delivery connects to the address its check resolved, and still tells the
 * server the URL's host as the server name (SNI) and checks the certificate against that
 * host, not against the address.
 */
class WebhookSenderTlsTest {

	private static final String HOST = "hooks.example.test";

	private static final char[] PASSWORD = "changeit".toCharArray();

	@TempDir
	static Path dir;

	private static HttpsServer server;

	private static SSLContext client;

	private static final Queue<String> serverNames = new ConcurrentLinkedQueue<>();

	private static final Queue<String> hosts = new ConcurrentLinkedQueue<>();

	@BeforeAll
	static void start() throws Exception {
		// a certificate for HOST only, made with the JDK's keytool
		var store = dir.resolve("server.p12");
		var keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "hook", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + HOST, "-ext",
				"SAN=dns:" + HOST, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
				"-storepass", "changeit", "-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		var said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(said).isZero();
		var keys = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(store)) {
			keys.load(in, PASSWORD);
		}
		var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, PASSWORD);
		var serverTls = SSLContext.getInstance("TLS");
		serverTls.init(keyManagers.getKeyManagers(), null, null);
		var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(keys);
		client = SSLContext.getInstance("TLS");
		client.init(null, trust.getTrustManagers(), null);

		server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
		server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
			@Override
			public void configure(HttpsParameters params) {
				var parameters = serverTls.getDefaultSSLParameters();
				parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
					@Override
					public boolean matches(SNIServerName name) {
						serverNames.add(((SNIHostName) name).getAsciiName());
						return true;
					}
				}));
				params.setSSLParameters(parameters);
			}
		});
		server.createContext("/", exchange -> {
			try (exchange) {
				exchange.getRequestBody().readAllBytes();
				hosts.add(String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
				exchange.sendResponseHeaders(204, -1);
			}
			catch (IOException ex) {
				// the client went away
			}
		});
		server.start();
	}

	@AfterAll
	static void stop() {
		server.stop(0);
	}

	private static WebhookSender.Outcome send(String host) throws Exception {
		var loopback = InetAddress.getByName("127.0.0.1");
		try (var sender = new WebhookSender(new WebhookAddresses(true, name -> new InetAddress[] { loopback }),
				Duration.ofSeconds(2), Duration.ofSeconds(5), 65536, 2, client)) {
			return sender.send("https://" + host + ":" + server.getAddress().getPort() + "/tls",
					Map.of("webhook-id", "msg_tls"), "{}".getBytes(StandardCharsets.UTF_8));
		}
	}

	@Test
	void theServerNameAndTheCertificateCheckAreTheUrlsHost() throws Exception {
		// given
		serverNames.clear();
		hosts.clear();

		// when
		var outcome = send(HOST);

		// then
		assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
		assertThat(serverNames).containsOnly(HOST);
		assertThat(hosts).containsExactly(HOST + ":" + server.getAddress().getPort());
	}

	@Test
	void aCertificateForAnotherHostIsRefusedThoughTheAddressIsTheSame() throws Exception {
		// given: another name that resolves to the same server, whose certificate is for
		// HOST only
		hosts.clear();

		// when
		var outcome = send("other.example.test");

		// then
		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.error()).containsIgnoringCase("certificate").containsIgnoringCase("other.example.test");
		assertThat(hosts).isEmpty();
	}

}

package dev.plangate.support;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.identity.apikey.ApiKeyService;

/**
 * A test against the whole server on a random port, over real HTTP, on the test database
 * (in-memory H2, or the PostgreSQL named by PLANGATE_DB_URL). Test classes share one
 * server; each uses its own customer ids and plan keys. Mail goes over SMTP to
 * {@link TestMail}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ServerTest {

	private static String key;

	/** On the base class, so it adds nothing to the key of the shared context. */
	@DynamicPropertySource
	static void sendMailToTestMail(DynamicPropertyRegistry registry) {
		TestMail.register(registry);
	}

	@LocalServerPort
	protected int port;

	@Autowired
	protected ApiKeyService apiKeys;

	/** A client holding a valid server key. */
	protected Api api;

	/** A client holding no key. */
	protected Api anonymous;

	@BeforeEach
	void connect() {
		synchronized (ServerTest.class) {
			if (key == null || apiKeys.list().stream().noneMatch(k -> k.isActive() && key.startsWith(k.prefix()))) {
				key = apiKeys.create("tests").secret();
			}
		}
		api = new Api(port, key);
		anonymous = new Api(port, null);
	}

	/** A customer id no other test uses. */
	protected static String uniqueId(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** A plan or feature key no other test uses. */
	protected static String uniqueKey(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	/** Creates a customer and answers its id. */
	protected String newCustomer(String prefix) {
		var id = uniqueId(prefix);
		var response = api.put("/v1/customers/" + id,
				"{\"name\":\"" + prefix + "\",\"email\":\"" + id + "@example.com\"}");
		if (response.status() != 201) {
			throw new IllegalStateException("creating customer " + id + ": " + response);
		}
		return id;
	}

}

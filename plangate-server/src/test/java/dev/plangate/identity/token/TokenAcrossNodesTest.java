package dev.plangate.identity.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * Two nodes on one database and one Redis: a token signed by one verifies on the other,
 * and a revocation made on one is in force on the other at once, not after its marker
 * cache expires.
 */
@FreshSchema
@EnabledIfEnvironmentVariable(named = "PLANGATE_REDIS_URL", matches = ".+",
		disabledReason = "nodes tell each other of revocations through Redis pub/sub; without PLANGATE_REDIS_URL each node has a bus of its own")
class TokenAcrossNodesTest extends ServerTest {

	private static final SecondNode secondNode = new SecondNode();

	/**
	 * Well below the marker cache's life, so only the bus can explain a refusal this
	 * soon.
	 */
	private static final Duration AT_ONCE = Duration.ofSeconds(5);

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "token_nodes");
	}

	@Autowired
	Environment environment;

	@Autowired
	AccessTokens accessTokens;

	@Autowired
	TokenRevocations revocations;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private Api second(String token) {
		return secondNode.startLike(environment).api(token);
	}

	private static int waitForStatus(Supplier<Api.Response> call, int expected) throws InterruptedException {
		var deadline = Instant.now().plus(AT_ONCE);
		int status;
		do {
			status = call.get().status();
			if (status == expected) {
				return status;
			}
			Thread.sleep(20);
		}
		while (Instant.now().isBefore(deadline));
		return status;
	}

	@Test
	void bothNodesSignWithTheSameKeysAndVerifyEachOthersTokens() {
		// given
		var customer = newCustomer("nodes-keys");
		var onFirst = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		var onSecond = second(api.key()).post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));

		// when
		var firstOnSecond = second(onFirst.body().path("token").asString()).get("/v1/me/usage");
		var secondOnFirst = api.withKey(onSecond.body().path("token").asString()).get("/v1/me/usage");

		// then
		assertThat(firstOnSecond.status()).as(firstOnSecond.toString()).isEqualTo(200);
		assertThat(secondOnFirst.status()).as(secondOnFirst.toString()).isEqualTo(200);
		assertThat(second(null).get("/.well-known/jwks.json").body())
			.isEqualTo(anonymous.get("/.well-known/jwks.json").body());
	}

	@Test
	void suspendingOnOneNodeStopsTheTokenOnTheOtherAtOnce() throws Exception {
		// given: the second node has accepted the token, so its cache holds "no marker"
		var customer = newCustomer("nodes-suspend");
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)))
			.body()
			.path("token")
			.asString();
		assertThat(second(token).get("/v1/me/usage").status()).isEqualTo(200);

		// when
		assertThat(api.post("/v1/customers/" + Api.encode(customer) + "/suspend", null).status()).isEqualTo(200);

		// then
		assertThat(api.withKey(token).get("/v1/me/usage").status()).isEqualTo(401);
		assertThat(waitForStatus(() -> second(token).get("/v1/me/usage"), 401)).isEqualTo(401);
	}

	@Test
	void revokingASubjectOrASessionOnOneNodeStopsItsTokensOnTheOther() throws Exception {
		// given
		var customer = newCustomer("nodes-revoke");
		var subject = UUID.randomUUID().toString();
		var session = UUID.randomUUID();
		var bySubject = accessTokens.issueAccountToken(subject, customer, List.of("user"), null, UUID.randomUUID())
			.token();
		var bySession = accessTokens
			.issueAccountToken(UUID.randomUUID().toString(), customer, List.of("user"), null, session)
			.token();
		assertThat(second(bySubject).get("/v1/me/usage").status()).isEqualTo(200);
		assertThat(second(bySession).get("/v1/me/usage").status()).isEqualTo(200);

		// when
		revocations.revokeSubject(subject, Instant.now());
		revocations.revokeSession(session);

		// then
		assertThat(waitForStatus(() -> second(bySubject).get("/v1/me/usage"), 401)).isEqualTo(401);
		assertThat(waitForStatus(() -> second(bySession).get("/v1/me/usage"), 401)).isEqualTo(401);
	}

}

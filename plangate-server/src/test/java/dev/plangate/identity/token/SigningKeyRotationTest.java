package dev.plangate.identity.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.nimbusds.jwt.SignedJWT;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;

/**
 * Key rotation on a clock that moves on command: a key signs for 30 days, its successor
 * is published a day before it takes over, and a retired key stays published until the
 * longest token it may have signed (a day, plus the clock skew) has expired.
 */
@FreshSchema
@Import(SigningKeyRotationTest.Clocks.class)
class SigningKeyRotationTest extends ServerTest {

	private static final Instant START = Instant.parse("2027-01-01T00:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(START);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "signing_key_rotation");
	}

	@Autowired
	MovableClock clock;

	@Autowired
	SigningKeys signingKeys;

	private List<String> publishedKids() {
		var response = anonymous.get("/.well-known/jwks.json");
		assertThat(response.status()).isEqualTo(200);
		return response.body().path("keys").valueStream().map(k -> k.path("kid").asString()).toList();
	}

	private String mint(String customer, int ttlSeconds) {
		var response = api.post("/v1/customer-tokens",
				Api.json(Map.of("customerId", customer, "ttlSeconds", ttlSeconds)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body().path("token").asString();
	}

	private static String kidOf(String token) throws Exception {
		return SignedJWT.parse(token).getHeader().getKeyID();
	}

	@Test
	void keysRotateAndRetireOnTime() throws Exception {
		// given: the key made at start, the only one published
		var customer = newCustomer("rotation");
		var first = signingKeys.current();
		assertThat(publishedKids()).containsExactly(first.kid());
		var signsUntil = first.signsUntil();
		assertThat(Duration.between(first.signsFrom(), signsUntil)).isEqualTo(Duration.ofDays(30));

		// when: a day before it stops signing
		clock.set(signsUntil.minus(Duration.ofDays(1)).plusSeconds(1));
		var lastOfFirst = mint(customer, 86_400);

		// then: its successor is published, the first key still signs
		var published = publishedKids();
		assertThat(published).hasSize(2).contains(first.kid());
		var successor = published.stream().filter(k -> !k.equals(first.kid())).findFirst().orElseThrow();
		assertThat(kidOf(lastOfFirst)).isEqualTo(first.kid());

		// when: the successor takes over
		clock.set(signsUntil.plusSeconds(1));
		var fromSuccessor = mint(customer, 900);

		// then: it signs, and the first key's tokens still verify
		assertThat(kidOf(fromSuccessor)).isEqualTo(successor);
		assertThat(publishedKids()).containsExactlyInAnyOrder(first.kid(), successor);
		assertThat(api.withKey(lastOfFirst).get("/v1/me/usage").status()).isEqualTo(200);
		assertThat(api.withKey(fromSuccessor).get("/v1/me/usage").status()).isEqualTo(200);

		// when: every token the first key signed has expired
		clock.set(signsUntil.plus(Duration.ofDays(1)).plusSeconds(31));

		// then: it is no longer published, and only one key was made for the period
		assertThat(publishedKids()).containsExactly(successor);
		assertThat(api.withKey(lastOfFirst).get("/v1/me/usage").status()).isEqualTo(401);
		assertThat(api.withKey(mint(customer, 900)).get("/v1/me/usage").status()).isEqualTo(200);
	}

	@Test
	void anAccessTokenExpiresAfterItsTtl() {
		// given
		var customer = newCustomer("token-expiry");
		var token = mint(customer, 60);
		assertThat(api.withKey(token).get("/v1/me/usage").status()).isEqualTo(200);

		// when: past its expiry and the 30 seconds of skew
		clock.advance(Duration.ofSeconds(60 + 31));

		// then
		var response = api.withKey(token).get("/v1/me/usage");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
	}

}

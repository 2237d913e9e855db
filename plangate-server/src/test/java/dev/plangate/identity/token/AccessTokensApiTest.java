package dev.plangate.identity.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.plangate.identity.apikey.ApiKeyKind;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * Access tokens over HTTP: the published keys, customer-scoped tokens minted by the
 * product's backend and read with on {@code /v1/me/*}, and every kind of token that must
 * be refused.
 */
class AccessTokensApiTest extends ServerTest {

	@Autowired
	SigningKeys signingKeys;

	@Autowired
	TokenSettings settings;

	@Autowired
	AccessTokens accessTokens;

	@Autowired
	TokenRevocations revocations;

	private String mint(String customerId) {
		var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customerId)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body().path("token").asString();
	}

	/** A token shaped as Plangate's, signed with {@code key} and with these claims. */
	private String forge(ECKey key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
		var jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID())
			.type(new JOSEObjectType(TokenKind.CUSTOMER.type()))
			.build(), claims);
		jwt.sign(new ECDSASigner(key));
		return jwt.serialize();
	}

	private JWTClaimsSet.Builder validClaims(String customerId) {
		var now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(settings.issuer())
			.audience(settings.audience())
			.subject(AccessClaims.customerSubject(customerId))
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.jwtID(UUID.randomUUID().toString())
			.claim("kind", "customer")
			.claim("cid", customerId)
			.claim("roles", List.of("customer"));
	}

	private static void assertInvalidToken(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthenticated");
		assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	@Nested
	class Jwks {

		@Test
		void isPublicCacheableAndHoldsPublicEcKeysWithKids() {
			// when
			var response = anonymous.get("/.well-known/jwks.json");

			// then
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("Cache-Control")).contains("public").contains("max-age=300");
			assertThat(response.header("Content-Type")).startsWith("application/jwk-set+json");
			var keys = response.body().path("keys").valueStream().toList();
			assertThat(keys).isNotEmpty();
			for (var key : keys) {
				assertThat(key.path("kty").asString()).isEqualTo("EC");
				assertThat(key.path("crv").asString()).isEqualTo("P-256");
				assertThat(key.path("alg").asString()).isEqualTo("ES256");
				assertThat(key.path("use").asString()).isEqualTo("sig");
				assertThat(key.path("kid").asString()).isNotBlank();
				assertThat(key.has("d")).as("no private part").isFalse();
			}
			assertThat(response.text()).doesNotContain("\"d\"");
		}

		@Test
		void aTokenVerifiesOfflineAgainstTheJwks() throws Exception {
			// given
			var customer = newCustomer("jwks-offline");
			var token = mint(customer);
			var jwks = JWKSet.parse(anonymous.get("/.well-known/jwks.json").text());

			// when: what a product's backend does with nimbus and the published keys only
			var processor = new DefaultJWTProcessor<SecurityContext>();
			processor.setJWSTypeVerifier((type, context) -> {
			});
			processor
				.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(jwks)));
			var claims = processor.process(token, null);

			// then
			assertThat(claims.getIssuer()).isEqualTo(settings.issuer());
			assertThat(claims.getAudience()).containsExactly(settings.audience());
			assertThat(claims.getStringClaim("cid")).isEqualTo(customer);
			assertThat(claims.getStringClaim("kind")).isEqualTo("customer");
			assertThat(claims.getStringListClaim("roles")).containsExactly("customer");
			assertThat(claims.getStringClaim("plan")).isNotBlank();
			assertThat(claims.getJWTID()).isNotBlank();
			assertThat(SignedJWT.parse(token).getHeader().getType().getType()).isEqualTo("customer+jwt");
		}

	}

	@Nested
	class CustomerTokens {

		@Test
		void mintedTokenReadsItsCustomersSubscriptionAndUsage() {
			// given
			var customer = newCustomer("me-reads");
			var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer, "ttlSeconds", 120)));
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			var before = Instant.now();
			var me = api.withKey(response.body().path("token").asString());

			// when
			var subscription = me.get("/v1/me/subscription");
			var usage = me.get("/v1/me/usage");

			// then
			assertThat(response.body().path("tokenType").asString()).isEqualTo("Bearer");
			assertThat(response.body().path("customerId").asString()).isEqualTo(customer);
			assertThat(Instant.parse(response.body().path("expiresAt").asString())).isBetween(before.plusSeconds(110),
					before.plusSeconds(121));
			assertThat(subscription.status()).as(subscription.toString()).isEqualTo(200);
			assertThat(subscription.body())
				.isEqualTo(api.get("/v1/customers/" + Api.encode(customer) + "/subscription").body());
			assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
			assertThat(usage.body().path("customerId").asString()).isEqualTo(customer);
			assertThat(usage.body().path("quotas"))
				.isEqualTo(api.get("/v1/customers/" + Api.encode(customer) + "/usage").body().path("quotas"));
		}

		@Test
		void defaultLifeIsFifteenMinutes() {
			// given
			var customer = newCustomer("ttl-default");
			var before = Instant.now();

			// when
			var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));

			// then
			assertThat(response.status()).isEqualTo(201);
			assertThat(Instant.parse(response.body().path("expiresAt").asString())).isBetween(before.plusSeconds(890),
					before.plusSeconds(901));
		}

		@ParameterizedTest
		@ValueSource(
				strings = { "/v1/customers", "/v1/api-keys", "/v1/customer-tokens", "/v1/worker/poll", "/v1/check" })
		void customerTokenIsRefusedOnServerEndpoints(String path) {
			// given
			var customer = newCustomer("token-on-server");
			var me = api.withKey(mint(customer));

			// when
			var response = path.equals("/v1/customers") || path.equals("/v1/api-keys") ? me.get(path)
					: me.post(path, Api.json(Map.of("customerId", customer)));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
			assertThat(response.body().path("detail").asString()).contains("/v1/me/");
		}

		@Test
		void customerTokenCannotReadAnotherCustomerThroughTheServerPaths() {
			// given
			var mine = newCustomer("token-mine");
			var other = newCustomer("token-other");
			var me = api.withKey(mint(mine));

			// when
			var response = me.get("/v1/customers/" + Api.encode(other) + "/subscription");

			// then
			assertThat(response.status()).isEqualTo(403);
		}

		@ParameterizedTest
		@ValueSource(strings = { "/v1/me/subscription", "/v1/me/usage" })
		void serverKeyIsRefusedOnMeWithAClearProblem(String path) {
			// when
			var response = api.get(path);

			// then
			assertThat(response.status()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
			assertThat(response.body().path("detail").asString()).contains("server key").contains("/v1/customers/{id}");
		}

		@Test
		void workerKeyIsRefusedOnMe() {
			// given
			var worker = apiKeys.create("me-worker", ApiKeyKind.WORKER).secret();

			// when
			var response = api.withKey(worker).get("/v1/me/usage");

			// then
			assertThat(response.status()).isEqualTo(403);
		}

		@Test
		void meWithoutCredentialIs401() {
			// when
			var response = anonymous.get("/v1/me/subscription");

			// then
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthenticated");
			assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
		}

		@Test
		void accountTokenWithACustomerReadsMeAndOneWithoutGets404() {
			// given
			var customer = newCustomer("account-me");
			var withCustomer = accessTokens.issueAccountToken(UUID.randomUUID().toString(), customer, List.of("user"),
					null, UUID.randomUUID());
			var withoutCustomer = accessTokens.issueAccountToken(UUID.randomUUID().toString(), null,
					List.of("superadmin"), null, UUID.randomUUID());

			// when
			var read = api.withKey(withCustomer.token()).get("/v1/me/subscription");
			var none = api.withKey(withoutCustomer.token()).get("/v1/me/subscription");
			var server = api.withKey(withCustomer.token()).get("/v1/customers");

			// then
			assertThat(read.status()).as(read.toString()).isEqualTo(200);
			assertThat(read.body().path("customerId").asString()).isEqualTo(customer);
			assertThat(none.status()).isEqualTo(404);
			assertThat(none.code()).isEqualTo("customer_not_found");
			assertThat(server.status()).isEqualTo(403);
		}

		@Test
		void accountTokenWithoutAnAccountRoleIsRefusedOnMe() {
			// given
			var token = accessTokens.issueAccountToken(UUID.randomUUID().toString(), newCustomer("no-role"),
					List.of("customer", "server"), null, UUID.randomUUID());

			// when
			var response = api.withKey(token.token()).get("/v1/me/usage");

			// then
			assertThat(response.status()).isEqualTo(403);
		}

		@Test
		void suspendingTheCustomerStopsItsTokensAtOnceAndReactivationAllowsNewOnes() {
			// given
			var customer = newCustomer("suspend-stops");
			var me = api.withKey(mint(customer));
			assertThat(me.get("/v1/me/usage").status()).isEqualTo(200);

			// when
			assertThat(api.post("/v1/customers/" + Api.encode(customer) + "/suspend", null).status()).isEqualTo(200);

			// then
			assertInvalidToken(me.get("/v1/me/usage"));
			var refused = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
			assertThat(refused.status()).isEqualTo(403);
			assertThat(refused.code()).isEqualTo("customer_suspended");

			// and when active again, a new token works at once and the old one stays
			// refused
			assertThat(api.post("/v1/customers/" + Api.encode(customer) + "/activate", null).status()).isEqualTo(200);
			var fresh = api.withKey(mint(customer));
			assertThat(fresh.get("/v1/me/usage").status()).isEqualTo(200);
			assertInvalidToken(me.get("/v1/me/usage"));
		}

		@Test
		void deletingTheCustomerStopsItsTokens() {
			// given
			var customer = newCustomer("delete-stops");
			var me = api.withKey(mint(customer));

			// when
			assertThat(api.delete("/v1/customers/" + Api.encode(customer)).status()).isBetween(200, 204);

			// then
			assertInvalidToken(me.get("/v1/me/subscription"));
			var refused = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
			assertThat(refused.status()).isEqualTo(404);
			assertThat(refused.code()).isEqualTo("customer_not_found");
		}

		@Test
		void revokedSubjectAndSessionAreRefused() {
			// given
			var customer = newCustomer("revoke-direct");
			var subject = UUID.randomUUID().toString();
			var session = UUID.randomUUID();
			var bySubject = accessTokens.issueAccountToken(subject, customer, List.of("user"), null, UUID.randomUUID());
			var bySession = accessTokens.issueAccountToken(UUID.randomUUID().toString(), customer, List.of("user"),
					null, session);

			// when
			revocations.revokeSubject(subject, Instant.now());
			revocations.revokeSession(session);

			// then
			assertInvalidToken(api.withKey(bySubject.token()).get("/v1/me/usage"));
			assertInvalidToken(api.withKey(bySession.token()).get("/v1/me/usage"));
			var later = accessTokens.issueAccountToken(subject, customer, List.of("user"), null, UUID.randomUUID());
			assertThat(api.withKey(later.token()).get("/v1/me/usage").status()).isEqualTo(200);
		}

	}

	@Nested
	class RefusedTokens {

		@Test
		void tamperedPayloadIsRefused() {
			// given: the customer id changed in a valid token's payload
			var mine = newCustomer("tamper-mine");
			var other = newCustomer("tamper-other");
			var parts = mint(mine).split("\\.");
			var payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace(mine,
					other);
			var tampered = parts[0] + "."
					+ Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
					+ "." + parts[2];

			// when / then
			assertInvalidToken(api.withKey(tampered).get("/v1/me/subscription"));
		}

		@Test
		void tamperedSignatureIsRefused() {
			// given
			var token = mint(newCustomer("tamper-sig"));
			var flipped = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");

			// when / then
			assertInvalidToken(api.withKey(flipped).get("/v1/me/usage"));
		}

		@Test
		void expiredTokenIsRefused() throws Exception {
			// given
			var customer = newCustomer("expired");
			var past = Instant.now().minusSeconds(3600);
			var token = forge(signingKeys.current().jwk(), JWSAlgorithm.ES256,
					validClaims(customer).issueTime(Date.from(past))
						.notBeforeTime(Date.from(past))
						.expirationTime(Date.from(past.plusSeconds(900)))
						.build());

			// when / then
			assertInvalidToken(api.withKey(token).get("/v1/me/usage"));
		}

		@Test
		void aForgedButValidTokenIsAcceptedSoTheRefusalsBelowAreAboutOneThing() throws Exception {
			// given
			var customer = newCustomer("forged-ok");
			var token = forge(signingKeys.current().jwk(), JWSAlgorithm.ES256, validClaims(customer).build());

			// when / then
			assertThat(api.withKey(token).get("/v1/me/usage").status()).isEqualTo(200);
		}

		@Test
		void notYetValidTokenIsRefused() throws Exception {
			// given
			var customer = newCustomer("nbf");
			var future = Instant.now().plusSeconds(600);
			var token = forge(signingKeys.current().jwk(), JWSAlgorithm.ES256,
					validClaims(customer).notBeforeTime(Date.from(future)).build());

			// when / then
			assertInvalidToken(api.withKey(token).get("/v1/me/usage"));
		}

		@Test
		void algNoneIsRefused() {
			// given: an unsecured token with valid claims
			var customer = newCustomer("alg-none");
			var encoder = Base64.getUrlEncoder().withoutPadding();
			var header = encoder.encodeToString(
					("{\"alg\":\"none\",\"typ\":\"customer+jwt\",\"kid\":\"" + signingKeys.current().kid() + "\"}")
						.getBytes(StandardCharsets.UTF_8));
			var payload = encoder
				.encodeToString(validClaims(customer).build().toString().getBytes(StandardCharsets.UTF_8));

			// when / then
			assertInvalidToken(api.withKey(header + "." + payload + ".").get("/v1/me/usage"));
			assertThat(api.withKey(header + "." + payload).get("/v1/me/usage").status()).isEqualTo(401);
		}

		@Test
		void hmacSignedWithThePublicKeyIsRefused() throws Exception {
			// given: the classic confusion, HS256 keyed with the published key's bytes
			var customer = newCustomer("alg-hs");
			var kid = signingKeys.current().kid();
			var secret = signingKeys.current().jwk().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
			var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid)
				.type(new JOSEObjectType("customer+jwt"))
				.build(), validClaims(customer).build());
			jwt.sign(new MACSigner(secret));

			// when / then
			assertInvalidToken(api.withKey(jwt.serialize()).get("/v1/me/usage"));
		}

		@Test
		void unknownKidIsRefused() throws Exception {
			// given: signed by a key of the same shape that Plangate never published
			var customer = newCustomer("wrong-kid");
			var stranger = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();

			// when / then
			assertInvalidToken(api.withKey(forge(stranger, JWSAlgorithm.ES256, validClaims(customer).build()))
				.get("/v1/me/usage"));
		}

		@Test
		void knownKidButAnotherKeyIsRefused() throws Exception {
			// given
			var customer = newCustomer("kid-other-key");
			var stranger = new ECKeyGenerator(Curve.P_256).keyID(signingKeys.current().kid()).generate();

			// when / then
			assertInvalidToken(api.withKey(forge(stranger, JWSAlgorithm.ES256, validClaims(customer).build()))
				.get("/v1/me/usage"));
		}

		@Test
		void wrongIssuerOrAudienceIsRefused() throws Exception {
			// given
			var customer = newCustomer("wrong-iss");
			var key = signingKeys.current().jwk();
			var wrongIssuer = forge(key, JWSAlgorithm.ES256,
					validClaims(customer).issuer("https://evil.example").build());
			var wrongAudience = forge(key, JWSAlgorithm.ES256, validClaims(customer).audience("someone-else").build());

			// when / then
			assertInvalidToken(api.withKey(wrongIssuer).get("/v1/me/usage"));
			assertInvalidToken(api.withKey(wrongAudience).get("/v1/me/usage"));
		}

		@Test
		void missingClaimsAreRefused() throws Exception {
			// given
			var customer = newCustomer("missing-claims");
			var key = signingKeys.current().jwk();
			var noExpiry = forge(key, JWSAlgorithm.ES256, validClaims(customer).expirationTime(null).build());
			var noCustomer = forge(key, JWSAlgorithm.ES256, validClaims(customer).claim("cid", null).build());
			var subjectOfAnother = forge(key, JWSAlgorithm.ES256,
					validClaims(customer).subject(AccessClaims.customerSubject("someone")).build());

			// when / then
			assertInvalidToken(api.withKey(noExpiry).get("/v1/me/usage"));
			assertInvalidToken(api.withKey(noCustomer).get("/v1/me/usage"));
			assertInvalidToken(api.withKey(subjectOfAnother).get("/v1/me/usage"));
		}

		@Test
		void garbageShapedAsATokenIsRefusedAsInvalidToken() {
			// when
			var shaped = api.withKey("not.a.token").get("/v1/me/usage");
			var unshaped = api.withKey("garbage").get("/v1/me/usage");

			// then
			assertInvalidToken(shaped);
			assertThat(unshaped.status()).isEqualTo(401);
			assertThat(unshaped.header("WWW-Authenticate")).isEqualTo("Bearer");
			assertThat(unshaped.body().path("detail").asString()).contains("access token");
		}

		@Test
		void anInvalidTokenDoesNotBlockPublicEndpoints() {
			// when
			var plans = api.withKey("expired.or.garbage").get("/v1/plans");
			var jwks = api.withKey("expired.or.garbage").get("/.well-known/jwks.json");

			// then
			assertThat(plans.status()).isEqualTo(200);
			assertThat(jwks.status()).isEqualTo(200);
		}

	}

	@Nested
	class MintingFailures {

		@Test
		void malformedJsonIs400() {
			// when
			var response = api.post("/v1/customer-tokens", "{\"customerId\":");

			// then
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("malformed_json");
		}

		@Test
		void missingCustomerIdIs400NamingIt() {
			// when
			var response = api.post("/v1/customer-tokens", "{}");

			// then
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("invalid_request");
			assertThat(response.text()).contains("customerId");
		}

		@ParameterizedTest
		@ValueSource(strings = { "{\"customerId\":12}", "{\"customerId\":\"c\",\"ttlSeconds\":\"long\"}",
				"{\"customerId\":\"c\",\"ttlSeconds\":1.5}", "{\"customerId\":\"c\",\"extra\":1}" })
		void wrongTypesAndUnknownFieldsAre400(String body) {
			// when
			var response = api.post("/v1/customer-tokens", body);

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
		}

		@ParameterizedTest
		@ValueSource(ints = { 0, 59, 86_401, -1 })
		void lifeOutOfBoundsIs400NamingIt(int ttl) {
			// given
			var customer = newCustomer("ttl-bounds");

			// when
			var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer, "ttlSeconds", ttl)));

			// then
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("invalid_request");
			assertThat(response.text()).contains("ttlSeconds");
		}

		@Test
		void badCustomerIdIs400() {
			// when
			var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", "has space")));

			// then
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.text()).contains("customerId");
		}

		@Test
		void unknownCustomerIs404() {
			// when
			var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", uniqueId("nobody"))));

			// then
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("customer_not_found");
		}

		@Test
		void withoutAKeyIs401() {
			// when
			var response = anonymous.post("/v1/customer-tokens", Api.json(Map.of("customerId", "x")));

			// then
			assertThat(response.status()).isEqualTo(401);
		}

	}

}

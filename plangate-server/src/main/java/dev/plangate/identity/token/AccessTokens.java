package dev.plangate.identity.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signs and verifies Plangate's access tokens: compact JWS, ES256, keys published at
 * {@code /.well-known/jwks.json}. Claims: {@code iss}, {@code sub}, {@code aud},
 * {@code iat}, {@code nbf}, {@code exp}, {@code jti}, {@code kind}, {@code cid}
 * (customer), {@code roles}, {@code plan} (if known), {@code sid} (account tokens'
 * session), {@code iat_ms} (the stamp revocations are ordered by, see
 * {@link TokenRevocations}) and, on an impersonation token, RFC 8693's {@code act}
 * ({@code {"sub": <operator's account id>}}) with {@code imp_mode}; the JOSE {@code typ}
 * tells an account's token ({@code at+jwt}) from a customer-scoped one
 * ({@code customer+jwt}).
 */
@Service
public class AccessTokens {

	private static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

	/** The issue time to the millisecond, ordered against revocation markers. */
	private static final String STAMP = "iat_ms";

	/** RFC 8693's actor claim: the operator viewing as the subject. */
	private static final String ACT = "act";

	/** An impersonation's mode: {@code read_only} or {@code read_write}. */
	private static final String MODE = "imp_mode";

	private final SigningKeys keys;

	private final TokenRevocations revocations;

	private final TokenSettings settings;

	private final Clock clock;

	AccessTokens(SigningKeys keys, TokenRevocations revocations, TokenSettings settings, Clock clock) {
		this.keys = keys;
		this.revocations = revocations;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * An account's access token, valid for {@code plangate.tokens.access-ttl}.
	 * @param subject the account id
	 * @param customerId the account's customer, if it has one
	 * @param roles {@code user}, {@code admin}, {@code superadmin}
	 */
	public IssuedToken issueAccountToken(String subject, @Nullable String customerId, List<String> roles,
			@Nullable String plan, UUID sessionId) {
		return issue(TokenKind.ACCOUNT, subject, customerId, roles, plan, sessionId, settings.accessTtl());
	}

	/**
	 * A customer-scoped token for the product's backend to hand to its own logged-in
	 * user.
	 * @param ttl at most a day
	 */
	public IssuedToken issueCustomerToken(String customerId, @Nullable String plan, Duration ttl) {
		return issue(TokenKind.CUSTOMER, AccessClaims.customerSubject(customerId), customerId, List.of("customer"),
				plan, null, ttl);
	}

	/**
	 * An impersonation token: an account's access token for {@code subject} (no session)
	 * that names the operator viewing as it in its {@code act} claim (RFC 8693), and its
	 * mode. Its {@code jti} is the impersonation's id.
	 * @param ttl at most a day
	 */
	public IssuedToken issueImpersonationToken(String subject, String customerId, List<String> roles,
			@Nullable String plan, AccessClaims.Impersonation impersonation, Duration ttl) {
		return issue(TokenKind.ACCOUNT, subject, customerId, roles, plan, null, ttl, impersonation);
	}

	/**
	 * Signs a token with the current key. Its {@code iat} and {@code nbf} are the issue
	 * time rounded down to whole seconds, so the token is valid as soon as it is handed
	 * out, with no clock skew; its stamp escapes the revocations already made.
	 */
	public IssuedToken issue(TokenKind kind, String subject, @Nullable String customerId, List<String> roles,
			@Nullable String plan, @Nullable UUID sessionId, Duration ttl) {
		return issue(kind, subject, customerId, roles, plan, sessionId, ttl, null);
	}

	private IssuedToken issue(TokenKind kind, String subject, @Nullable String customerId, List<String> roles,
			@Nullable String plan, @Nullable UUID sessionId, Duration ttl,
			AccessClaims.@Nullable Impersonation impersonation) {
		Objects.requireNonNull(subject, "subject");
		if (subject.isBlank()) {
			throw new IllegalArgumentException("A token's subject must not be blank");
		}
		if (kind == TokenKind.CUSTOMER && customerId == null) {
			throw new IllegalArgumentException("A customer-scoped token needs a customer id");
		}
		if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(TokenSettings.MAX_CUSTOMER_TOKEN_TTL) > 0) {
			throw new IllegalArgumentException("A token lives more than 0 and at most 1 day, not " + ttl);
		}
		var key = keys.current();
		var now = clock.instant();
		var issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
		var stamp = revocations.stampFor(subject, customerId, roles, now);
		var expiresAt = issuedAt.plus(ttl);
		var tokenId = UUID.randomUUID().toString();
		var claims = new JWTClaimsSet.Builder().issuer(settings.issuer())
			.subject(subject)
			.audience(settings.audience())
			.issueTime(Date.from(issuedAt))
			.notBeforeTime(Date.from(issuedAt))
			.expirationTime(Date.from(expiresAt))
			.jwtID(tokenId)
			.claim("kind", kind.id())
			.claim("roles", List.copyOf(roles))
			.claim(STAMP, stamp.toEpochMilli());
		if (customerId != null) {
			claims.claim("cid", customerId);
		}
		if (plan != null) {
			claims.claim("plan", plan);
		}
		if (sessionId != null) {
			claims.claim("sid", sessionId.toString());
		}
		if (impersonation != null) {
			claims.claim(ACT, Map.of("sub", impersonation.operatorId().toString()));
			claims.claim(MODE, impersonation.mode());
		}
		var jwt = new SignedJWT(
				new JWSHeader.Builder(ALGORITHM).keyID(key.kid()).type(new JOSEObjectType(kind.type())).build(),
				claims.build());
		try {
			jwt.sign(new ECDSASigner(key.jwk()));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign with key " + key.kid(), ex);
		}
		return new IssuedToken(jwt.serialize(), new AccessClaims(subject, customerId, roles, plan, sessionId, tokenId,
				stamp, expiresAt, kind, impersonation));
	}

	/**
	 * What the token says, if Plangate signed it with a published key (ES256 only), it is
	 * for this issuer and audience, within its time (give or take the clock skew) and
	 * complete. Revocation is not looked at: see {@link #authenticate}.
	 */
	public Optional<AccessClaims> verify(String token) {
		try {
			var jwt = SignedJWT.parse(token);
			var header = jwt.getHeader();
			if (!ALGORITHM.equals(header.getAlgorithm()) || header.getKeyID() == null || header.getType() == null
					|| header.getJWK() != null || header.getJWKURL() != null || header.getCriticalParams() != null) {
				return Optional.empty();
			}
			var kind = TokenKind.ofType(header.getType().getType());
			var key = keys.verificationKey(header.getKeyID());
			if (kind.isEmpty() || key.isEmpty() || !jwt.verify(new ECDSAVerifier(key.get()))) {
				return Optional.empty();
			}
			return claims(jwt.getJWTClaimsSet(), kind.get());
		}
		catch (ParseException | JOSEException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/** What the token says if {@link #verify} accepts it and it is not revoked. */
	public Optional<AccessClaims> authenticate(String token) {
		return verify(token).filter(claims -> !revocations.isRevoked(claims));
	}

	private Optional<AccessClaims> claims(JWTClaimsSet set, TokenKind kind) throws ParseException {
		var now = clock.instant();
		var skew = settings.clockSkew();
		var issuedAt = set.getIssueTime();
		var expiresAt = set.getExpirationTime();
		var notBefore = set.getNotBeforeTime();
		var subject = set.getSubject();
		var tokenId = set.getJWTID();
		var roles = set.getStringListClaim("roles");
		var customerId = set.getStringClaim("cid");
		var session = set.getStringClaim("sid");
		var stamp = set.getLongClaim(STAMP);
		if (!settings.issuer().equals(set.getIssuer()) || set.getAudience() == null
				|| !set.getAudience().contains(settings.audience()) || issuedAt == null || expiresAt == null
				|| subject == null || subject.isBlank() || tokenId == null || roles == null
				|| !kind.id().equals(set.getStringClaim("kind")) || (kind == TokenKind.CUSTOMER && (customerId == null
						|| !AccessClaims.customerSubject(customerId).equals(subject) || session != null))) {
			return Optional.empty();
		}
		if (!now.isBefore(expiresAt.toInstant().plus(skew)) || issuedAt.toInstant().isAfter(now.plus(skew))
				|| (notBefore != null && notBefore.toInstant().isAfter(now.plus(skew)))) {
			return Optional.empty();
		}
		AccessClaims.Impersonation impersonation = null;
		var act = set.getJSONObjectClaim(ACT);
		if (act != null) {
			var mode = set.getStringClaim(MODE);
			if (kind != TokenKind.ACCOUNT || session != null || !(act.get("sub") instanceof String operator)
					|| !("read_only".equals(mode) || "read_write".equals(mode))) {
				return Optional.empty();
			}
			impersonation = new AccessClaims.Impersonation(UUID.fromString(operator), "read_only".equals(mode));
		}
		return Optional.of(new AccessClaims(subject, customerId, roles, set.getStringClaim("plan"),
				session == null ? null : UUID.fromString(session), tokenId,
				stamp == null ? issuedAt.toInstant() : Instant.ofEpochMilli(stamp), expiresAt.toInstant(), kind,
				impersonation));
	}

}

package dev.plangate.identity.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plangate.platform.EventBus;

/**
 * Access tokens that stop working before they expire: every token of a subject issued
 * before a time (a suspended or deleted account, a changed password, a suspended
 * customer), or every token of a login session. Markers live in the database; each node
 * caches them and drops a cached marker when the event bus says it changed, so a
 * revocation takes effect on every node at once. A lost bus message (a node cut off from
 * Redis) delays it by the cache's life at most ({@link #CACHE_TTL}).
 *
 * <p>
 * A marker covers the tokens stamped at or before its time. The stamp is the token's
 * issue time to the millisecond ({@code iat_ms}); a token issued once a marker is in
 * force is stamped after it, even in the marker's millisecond, so it escapes it without
 * its {@code iat} moving into the future. A token without a stamp (issued before tokens
 * carried one) is ordered by its {@code iat}, whole seconds.
 */
@Service
public class TokenRevocations implements DisposableBean {

	static final String TOPIC = "identity.token-revocations";

	static final Duration CACHE_TTL = Duration.ofSeconds(30);

	private static final String SUBJECT = "subject";

	private static final String SESSION = "session";

	private static final String MEMBERSHIP = "membership";

	private static final String IMPERSONATION = "imperson";

	private final TokenRevocationRepository repository;

	private final EventBus bus;

	private final Clock clock;

	private final TokenSettings settings;

	/** Marker times by "kind:target"; empty when there is none. */
	private final Cache<String, Optional<Instant>> markers;

	private final EventBus.Subscription subscription;

	TokenRevocations(TokenRevocationRepository repository, EventBus bus, Clock clock, TokenSettings settings) {
		this.repository = repository;
		this.bus = bus;
		this.clock = clock;
		this.settings = settings;
		this.markers = Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(100_000).build();
		this.subscription = bus.subscribe(TOPIC, markers::invalidate);
	}

	@Override
	public void destroy() {
		subscription.close();
	}

	/**
	 * Every token of {@code subject} stamped at or before {@code before} stops working,
	 * on every node. Callers pass the present: a time ahead would also revoke tokens
	 * issued until then.
	 */
	@Transactional
	public void revokeSubject(String subject, Instant before) {
		revoke(SUBJECT, subject, before);
	}

	/** Every token of the session stops working, on every node. */
	@Transactional
	public void revokeSession(UUID sessionId) {
		revoke(SESSION, sessionId.toString(), clock.instant());
	}

	/**
	 * Every token an account holds for acting for an organization (its {@code cid} the
	 * organization, an {@code org_*} role), issued until now, stops working on every
	 * node; the account's other tokens keep working.
	 */
	@Transactional
	public void revokeMembership(String organizationId, String accountId) {
		revoke(MEMBERSHIP, membershipTarget(organizationId, accountId), clock.instant());
	}

	/**
	 * The impersonation token with this {@code jti} stops working, on every node; the
	 * account's own tokens keep working.
	 */
	@Transactional
	public void revokeImpersonation(String tokenId) {
		revoke(IMPERSONATION, tokenId, clock.instant());
	}

	/** Whether a marker covers the token. */
	public boolean isRevoked(AccessClaims claims) {
		if (claims.isImpersonation() && marker(IMPERSONATION, claims.tokenId()).isPresent()) {
			return true;
		}
		if (covers(marker(SUBJECT, claims.subject()), claims.issuedAt())) {
			return true;
		}
		var session = claims.sessionId();
		if (session != null && marker(SESSION, session.toString()).isPresent()) {
			return true;
		}
		return isMembershipToken(claims) && covers(
				marker(MEMBERSHIP, membershipTarget(claims.customerId(), claims.subject())), claims.issuedAt());
	}

	private static boolean isMembershipToken(AccessClaims claims) {
		return claims.kind() == TokenKind.ACCOUNT && claims.customerId() != null
				&& claims.roles().stream().anyMatch(role -> role.startsWith("org_"));
	}

	private static String membershipTarget(@Nullable String organizationId, String accountId) {
		return organizationId + "/" + accountId;
	}

	/**
	 * The stamp ({@code iat_ms}) of a token of {@code subject} issued {@code now}: now to
	 * the millisecond, or the millisecond after a marker of the subject (or, for a token
	 * acting for an organization, of the membership) at or after it, which would
	 * otherwise cover it.
	 */
	Instant stampFor(String subject, @Nullable String customerId, List<String> roles, Instant now) {
		var stamp = after(marker(SUBJECT, subject), now.truncatedTo(ChronoUnit.MILLIS));
		if (customerId != null && roles.stream().anyMatch(role -> role.startsWith("org_"))) {
			stamp = after(marker(MEMBERSHIP, membershipTarget(customerId, subject)), stamp);
		}
		return stamp;
	}

	private static Instant after(Optional<Instant> marker, Instant stamp) {
		return covers(marker, stamp) ? marker.get().truncatedTo(ChronoUnit.MILLIS).plusMillis(1) : stamp;
	}

	private void revoke(String kind, String target, Instant at) {
		var now = clock.instant();
		var before = at.truncatedTo(ChronoUnit.MILLIS);
		// a token issued since an earlier marker at or after this time was stamped just
		// after that marker to escape it: this one must reach that stamp to cover it
		var earlier = repository.revokedBefore(kind, target, now);
		if (earlier.isPresent() && !earlier.get().isBefore(before)) {
			before = earlier.get().plusMillis(1);
		}
		var expiresAt = before.plus(settings.longestTokenLife());
		repository.deleteExpired(now);
		repository.revoke(kind, target, before, expiresAt);
		var key = key(kind, target);
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					announce(key);
				}
			});
		}
		else {
			announce(key);
		}
	}

	/**
	 * Drops the marker here and on the other nodes. Invalidating waits for a lookup of
	 * the same entry already running, so no lookup that read the old marker can put it
	 * back.
	 */
	private void announce(String key) {
		markers.invalidate(key);
		bus.publish(TOPIC, key);
	}

	private Optional<Instant> marker(String kind, String target) {
		return markers.get(key(kind, target), k -> repository.revokedBefore(kind, target, clock.instant()));
	}

	/**
	 * A token without a stamp has its whole-second {@code iat} here: at or before the
	 * marker exactly when its second is the marker's or earlier.
	 */
	private static boolean covers(Optional<Instant> marker, Instant stamp) {
		return marker.isPresent() && !stamp.isAfter(marker.get());
	}

	private static String key(String kind, String target) {
		return kind + ":" + target;
	}

}

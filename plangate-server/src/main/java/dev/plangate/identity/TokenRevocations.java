package dev.plangate.identity;

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
 * Tokens carry their issue time in whole seconds, so a marker covers every token issued
 * in the second of its time or before.
 */
@Service
public class TokenRevocations implements DisposableBean {

	static final String TOPIC = "identity.token-revocations";

	static final Duration CACHE_TTL = Duration.ofSeconds(30);

	private static final String SUBJECT = "subject";

	private static final String SESSION = "session";

	private static final String MEMBERSHIP = "membership";

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
	 * Every token of {@code subject} issued before {@code before} (in its second or
	 * earlier) stops working, on every node.
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
	 * organization, an {@code org_*} role), issued before now, stops working on every
	 * node; the account's other tokens keep working.
	 */
	@Transactional
	public void revokeMembership(String organizationId, String accountId) {
		var target = membershipTarget(organizationId, accountId);
		var now = clock.instant();
		var before = now;
		// a token issued since an earlier marker of this second was moved into the next
		// second to escape it: this marker must reach that second to cover it
		var earlier = repository.revokedBefore(MEMBERSHIP, target, now);
		if (earlier.isPresent() && !earlier.get().isBefore(now.truncatedTo(ChronoUnit.SECONDS))) {
			before = nextSecond(earlier.get());
		}
		revoke(MEMBERSHIP, target, before);
	}

	/** Whether a marker covers the token. */
	public boolean isRevoked(AccessClaims claims) {
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
	 * The earliest issue time (whole seconds) a new token of {@code subject} needs to
	 * escape the subject's marker: a token issued in the second of a revocation would be
	 * covered by it.
	 */
	Instant issuedAtFor(String subject, Instant now) {
		var issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
		var marker = marker(SUBJECT, subject);
		if (marker.isPresent() && covers(marker, issuedAt)) {
			return nextSecond(marker.get());
		}
		return issuedAt;
	}

	/**
	 * As {@link #issuedAtFor(String, Instant)}, also escaping the membership marker of a
	 * token for acting for an organization.
	 */
	Instant issuedAtFor(String subject, @Nullable String customerId, List<String> roles, Instant now) {
		var issuedAt = issuedAtFor(subject, now);
		if (customerId != null && roles.stream().anyMatch(role -> role.startsWith("org_"))) {
			var marker = marker(MEMBERSHIP, membershipTarget(customerId, subject));
			if (marker.isPresent() && covers(marker, issuedAt)) {
				return nextSecond(marker.get());
			}
		}
		return issuedAt;
	}

	private void revoke(String kind, String target, Instant before) {
		var expiresAt = nextSecond(before).plus(settings.longestTokenLife());
		var now = clock.instant();
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

	private static boolean covers(Optional<Instant> marker, @Nullable Instant issuedAt) {
		return marker.isPresent() && (issuedAt == null || issuedAt.isBefore(nextSecond(marker.get())));
	}

	/** The first whole second after the one {@code instant} is in. */
	private static Instant nextSecond(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
	}

	private static String key(String kind, String target) {
		return kind + ":" + target;
	}

}

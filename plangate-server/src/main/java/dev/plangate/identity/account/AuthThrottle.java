package dev.plangate.identity.account;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.enforcement.EnforcementService;
import dev.plangate.enforcement.RateLimit;
import dev.plangate.enforcement.RateLimitStore;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.StoredJson;
import dev.plangate.subscription.SubscriptionService;

/**
 * Rate limits on the account flows, by scope: per client IP (configured, the same for
 * everyone) and per account, from the account's plan when the catalog has a rate feature
 * named {@code <scope>_rate} ({@code login_rate}, {@code register_rate},
 * {@code password_reset_rate}, {@code two_factor_rate}), scaled by the plan's multiplier
 * like every rate feature.
 */
@Component
public class AuthThrottle {

	public enum Scope {

		LOGIN, REGISTER, PASSWORD_RESET, TWO_FACTOR,

		/**
		 * Mails an account asks to be sent: confirmations, address changes, invitations.
		 */
		MAIL;

		String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		String feature() {
			return id() + "_rate";
		}

	}

	private final RateLimitStore store;

	private final EnforcementService enforcement;

	private final CatalogService catalog;

	private final Clock clock;

	private final Map<Scope, RateLimit> perIp = new HashMap<>();

	AuthThrottle(RateLimitStore store, EnforcementService enforcement, CatalogService catalog, Clock clock,
			AccountSettings settings) {
		this.store = store;
		this.enforcement = enforcement;
		this.catalog = catalog;
		this.clock = clock;
		for (var scope : Scope.values()) {
			perIp.put(scope, settings.perIp(scope));
		}
	}

	/**
	 * Counts one attempt from this IP.
	 * @throws PlangateException {@code too_many_attempts} with {@code Retry-After}
	 */
	public void fromIp(Scope scope, String ip) {
		var decision = store.acquire("auth:" + scope.id() + ":ip:" + ip, perIp.get(scope), 1, clock.instant());
		if (!decision.allowed()) {
			throw tooMany(decision.retryAfter());
		}
	}

	/**
	 * Counts one attempt on this account against its plan's limit for the scope, if the
	 * catalog has one.
	 */
	public void forAccount(Scope scope, String customerId) {
		var feature = catalog.findFeature(scope.feature()).filter(f -> f.kind() == FeatureKind.RATE);
		if (feature.isEmpty()) {
			return;
		}
		var verdict = enforcement.consume(customerId, feature.get().key(), 1, "auth-" + UUID.randomUUID(), Map.of());
		if (!verdict.allowed() && ErrorCode.RATE_LIMITED.code().equals(verdict.code())) {
			throw tooMany(Duration.ofSeconds(verdict.retryAfter() == null ? 1 : verdict.retryAfter()));
		}
	}

	/**
	 * Counts one attempt at a login without an account as one on an account of the
	 * default plan (where a new account starts), so that the plan's limit does not tell
	 * which logins have accounts.
	 */
	public void forUnknownLogin(Scope scope, String login) {
		var feature = catalog.findFeature(scope.feature()).filter(f -> f.kind() == FeatureKind.RATE);
		if (feature.isEmpty()) {
			return;
		}
		var value = SubscriptionService.effective(feature.get(), null, catalog.defaultPlan());
		if (!value.enabled() || value.unlimited()) {
			return;
		}
		var limit = new RateLimit(value.limit() == null ? 0 : value.limit(),
				Duration.ofSeconds(Objects.requireNonNull(feature.get().windowSeconds())));
		var decision = store.acquire("auth:" + scope.id() + ":unknown:" + StoredJson.sha256(login), limit, 1,
				clock.instant());
		if (!decision.allowed()) {
			throw tooMany(decision.retryAfter());
		}
	}

	/**
	 * Counts one mail an account asks for, per account and per IP, so that no one can
	 * flood an inbox through Plangate.
	 * @throws PlangateException {@code too_many_attempts} with {@code Retry-After}
	 */
	public void mail(UUID accountId, String ip) {
		var now = clock.instant();
		var limit = perIp.get(Scope.MAIL);
		for (var key : List.of("auth:mail:account:" + accountId, "auth:mail:ip:" + ip)) {
			var decision = store.acquire(key, limit, 1, now);
			if (!decision.allowed()) {
				throw tooMany(decision.retryAfter());
			}
		}
	}

	/** Forgets an IP's attempts in every scope. */
	void clearIp(String ip) {
		for (var scope : Scope.values()) {
			store.reset("auth:" + scope.id() + ":ip:" + ip);
		}
	}

	static PlangateException tooMany(@Nullable Duration retryAfter) {
		long seconds = retryAfter == null ? 1 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		return new PlangateException(ErrorCode.TOO_MANY_ATTEMPTS, "Too many attempts: try again in " + seconds + " s")
			.with("retryAfter", seconds)
			.withHeader("Retry-After", Long.toString(seconds));
	}

}

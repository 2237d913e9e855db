package dev.plangate.identity.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerEvents;
import dev.plangate.identity.account.AccountEvents;
import dev.plangate.identity.account.AccountService;
import dev.plangate.identity.account.SensitiveAction;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;

/**
 * Personal API keys: an account's own keys ({@code pg_pk_…}) for scripts and tools, each
 * with scopes, an optional expiry of at most a year, and its last use. The secret is
 * shown once and only its SHA-256 is stored. A key works only while its account is
 * active: the lookup behind each request reads the account's status with the key, and is
 * cached for {@link #CACHE_TTL} at most; this node drops the cache when a key is revoked
 * or a customer suspended or deleted, other nodes within the TTL.
 */
@Service
public class PersonalApiKeyService {

	static final Duration CACHE_TTL = Duration.ofSeconds(5);

	static final int MAX_DAYS = 365;

	private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

	private final PersonalApiKeyRepository repository;

	private final AccountService accounts;

	private final AuditLog auditLog;

	private final Clock clock;

	private final Cache<String, Optional<PersonalApiKeyRepository.Owned>> byHash;

	private final Map<UUID, Instant> lastTouched = new ConcurrentHashMap<>();

	PersonalApiKeyService(PersonalApiKeyRepository repository, AccountService accounts, AuditLog auditLog,
			Clock clock) {
		this.repository = repository;
		this.accounts = accounts;
		this.auditLog = auditLog;
		this.clock = clock;
		this.byHash = Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(10_000).build();
	}

	/** A key just created: the only time its secret is ever shown. */
	public record Created(PersonalApiKey key, String secret) {

		@Override
		public String toString() {
			return "Created[" + key + "]";
		}
	}

	/**
	 * @param expiresInDays 1 to 365, or {@code null} for a key that does not expire
	 * @throws PlangateException {@code email_not_verified}, {@code invalid_request}
	 */
	@Transactional
	public Created create(UUID accountId, String name, Set<PersonalKeyScope> scopes, @Nullable Integer expiresInDays) {
		var account = accounts.get(accountId);
		accounts.requireVerifiedEmail(account, SensitiveAction.API_KEYS);
		if (scopes.isEmpty()) {
			throw invalid("scopes", "must name 'read' or 'write'");
		}
		if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_DAYS)) {
			throw invalid("expiresInDays", "must be 1 to " + MAX_DAYS);
		}
		var effective = scopes.contains(PersonalKeyScope.WRITE) ? Set.of(PersonalKeyScope.READ, PersonalKeyScope.WRITE)
				: Set.of(PersonalKeyScope.READ);
		var now = clock.instant();
		var secret = ApiKeySecret.generate(ApiKeyKind.PERSONAL);
		var key = new PersonalApiKey(UUID.randomUUID(), accountId, name, secret.displayPrefix(), effective, now,
				expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays)), null, null);
		repository.insert(key, secret.hash());
		auditLog.record("personal_api_key.created", "account", accountId.toString(), null, key);
		return new Created(key, secret.text());
	}

	public List<PersonalApiKey> list(UUID accountId) {
		return repository.list(accountId);
	}

	/**
	 * Revokes one of the account's keys; revoking a revoked key changes nothing.
	 * @throws PlangateException {@code personal_api_key_not_found} for another account's
	 * key
	 */
	@Transactional
	public PersonalApiKey revoke(UUID accountId, UUID id) {
		var key = repository.find(accountId, id)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.PERSONAL_API_KEY_NOT_FOUND, "Personal API key",
					id.toString()));
		if (key.revokedAt() != null) {
			return key;
		}
		repository.revoke(id, clock.instant());
		var hash = repository.secretHash(id).orElseThrow();
		afterCommit(() -> byHash.invalidate(hash));
		var revoked = repository.find(accountId, id).orElseThrow();
		auditLog.record("personal_api_key.revoked", "account", accountId.toString(), key, revoked);
		return revoked;
	}

	/**
	 * The key with this secret and its account, if the key is active (not revoked, not
	 * expired) and its account too; records its use at most once a minute.
	 */
	Optional<PersonalApiKeyRepository.Owned> authenticate(String presented) {
		var secret = ApiKeySecret.parse(presented);
		if (secret.isEmpty() || secret.get().kind() != ApiKeyKind.PERSONAL) {
			return Optional.empty();
		}
		var now = clock.instant();
		var owned = byHash.get(secret.get().hash(), repository::findByHash)
			.filter(o -> o.key().isActive(now) && o.accountActive());
		owned.ifPresent(o -> touch(o.key(), now));
		return owned;
	}

	private void touch(PersonalApiKey key, Instant now) {
		var last = lastTouched.get(key.id());
		if (last == null || Duration.between(last, now).compareTo(TOUCH_INTERVAL) >= 0) {
			lastTouched.put(key.id(), now);
			repository.touch(key.id(), now);
		}
	}

	/**
	 * A password reset by mail takes the account back from whoever held it: their keys go
	 * too.
	 */
	@EventListener
	void on(AccountEvents.PasswordReset reset) {
		int revoked = repository.revokeAll(reset.accountId(), clock.instant());
		if (revoked > 0) {
			afterCommit(byHash::invalidateAll);
			auditLog.record("personal_api_key.revoked_all", "account", reset.accountId().toString(), null,
					Map.of("keys", revoked, "reason", "password_reset"));
		}
	}

	@EventListener
	void on(CustomerEvents.StatusChanged changed) {
		afterCommit(byHash::invalidateAll);
	}

	@EventListener
	void on(CustomerEvents.Deleted deleted) {
		afterCommit(byHash::invalidateAll);
	}

	private static PlangateException invalid(String field, String message) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, field + " " + message,
				List.of(new FieldError(field, message)));
	}

	/**
	 * Runs once the change is committed, so that no lookup that read the old state can
	 * put it back in the cache.
	 */
	private static void afterCommit(Runnable action) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			action.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				action.run();
			}
		});
	}

}

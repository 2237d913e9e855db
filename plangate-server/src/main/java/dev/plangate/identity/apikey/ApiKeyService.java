package dev.plangate.identity.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plangate.audit.AuditLog;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Server API keys: creation (secret shown once, SHA-256 stored), revocation, and the
 * lookup behind every request. Lookups are cached for {@code plangate.api-key-cache-ttl}:
 * a key revoked on another node stops working within that time, on this node at once.
 */
@Service
public class ApiKeyService implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);

	private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

	private final ApiKeyRepository repository;

	private final AuditLog auditLog;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final String bootstrapKey;

	private final Cache<String, Optional<ApiKey>> byHash;

	/**
	 * The hashes of the secrets lately found to be active keys: checking a secret's form
	 * and hashing it were a good part of what a request cost. Whether the key is still
	 * active is asked of {@link #byHash} each time, so a revocation counts as before.
	 * Only secrets of active keys are kept, so that nobody can fill it with others; one
	 * found revoked or expired is dropped, and one unused for ten minutes too, so that
	 * secrets stay in memory no longer than they are in use.
	 */
	private final Cache<String, String> activeHashes = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofMinutes(10))
		.build();

	private final Map<UUID, Instant> lastTouched = new ConcurrentHashMap<>();

	ApiKeyService(ApiKeyRepository repository, AuditLog auditLog, TransactionTemplate transactions, Clock clock,
			ApiKeySettings settings) {
		this.repository = repository;
		this.auditLog = auditLog;
		this.transactions = transactions;
		this.clock = clock;
		this.bootstrapKey = settings.bootstrapApiKey();
		this.byHash = Caffeine.newBuilder().expireAfterWrite(settings.apiKeyCacheTtl()).maximumSize(10_000).build();
	}

	/**
	 * On the first start of an empty database: the operator's bootstrap key (refused
	 * already, if weak, by {@link ApiKeySettings}), or a new one printed once.
	 */
	@Override
	public void afterPropertiesSet() {
		transactions.executeWithoutResult(status -> {
			repository.lockBootstrap();
			if (repository.any()) {
				return;
			}
			if (!bootstrapKey.isEmpty()) {
				store("bootstrap", ApiKeySecret.parse(bootstrapKey).orElseThrow(), Actor.SYSTEM);
				log.info("Created the first API key from PLANGATE_BOOTSTRAP_API_KEY");
				return;
			}
			var secret = ApiKeySecret.generate();
			store("bootstrap", secret, Actor.SYSTEM);
			log.warn("""

					================================================================================
					  Plangate created its first server API key. It is shown this once only:

					      {}

					  Use it as 'Authorization: Bearer <key>'. Only its hash is stored; create
					  more keys and revoke this one with /v1/api-keys.
					================================================================================
					""", secret.text());
		});
	}

	@Transactional
	public CreatedApiKey create(String name) {
		return create(name, ApiKeyKind.SERVER);
	}

	@Transactional
	public CreatedApiKey create(String name, ApiKeyKind kind) {
		if (kind == ApiKeyKind.PERSONAL) {
			throw new IllegalArgumentException("Personal keys belong to an account: see PersonalApiKeyService");
		}
		var secret = ApiKeySecret.generate(kind);
		var key = store(name, secret, Actor.current());
		auditLog.record("api_key.created", "api_key", key.id().toString(), null, key);
		return new CreatedApiKey(key, secret.text());
	}

	private ApiKey store(String name, ApiKeySecret secret, Actor actor) {
		var key = new ApiKey(UUID.randomUUID(), name, secret.kind(), secret.displayPrefix(), clock.instant(),
				actor.name(), null, null);
		repository.insert(key, secret.hash());
		return key;
	}

	public List<ApiKey> list() {
		return repository.list();
	}

	@Transactional
	public ApiKey revoke(UUID id) {
		int active = repository.lockActive();
		var key = repository.find(id)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.API_KEY_NOT_FOUND, "API key", id.toString()));
		if (!key.isActive()) {
			return key;
		}
		if (key.kind() == ApiKeyKind.SERVER && active <= 1) {
			throw new PlangateException(ErrorCode.LAST_API_KEY,
					"Key '" + key.prefix() + "…' is the last active server key; create another before revoking it")
				.with("id", id.toString());
		}
		repository.revoke(id, clock.instant());
		forgetAfterCommit(repository.secretHash(id).orElseThrow());
		var revoked = repository.find(id).orElseThrow();
		auditLog.record("api_key.revoked", "api_key", id.toString(), key, revoked);
		return revoked;
	}

	/**
	 * Drops a key from the lookup cache once its revocation is committed. Invalidating
	 * one entry waits for a lookup of that entry already running, so no lookup that read
	 * the key as active before the commit can put it back.
	 */
	private void forgetAfterCommit(String hash) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				byHash.invalidate(hash);
			}
		});
	}

	/** The active key with this secret; records its use at most once a minute. */
	Optional<ApiKey> authenticate(String presented) {
		var hash = activeHashes.getIfPresent(presented);
		boolean known = hash != null;
		if (!known) {
			var secret = ApiKeySecret.parse(presented);
			if (secret.isEmpty() || secret.get().kind() == ApiKeyKind.PERSONAL) {
				return Optional.empty();
			}
			hash = secret.get().hash();
		}
		var key = byHash.get(hash, repository::findByHash).filter(ApiKey::isActive);
		if (key.isPresent()) {
			if (!known) {
				activeHashes.put(presented, hash);
			}
			touch(key.get());
		}
		else if (known) {
			// revoked or expired since: no longer kept
			activeHashes.invalidate(presented);
		}
		return key;
	}

	private void touch(ApiKey key) {
		var now = clock.instant();
		var last = lastTouched.get(key.id());
		if (last == null || Duration.between(last, now).compareTo(TOUCH_INTERVAL) >= 0) {
			lastTouched.put(key.id(), now);
			repository.touch(key.id(), now);
		}
	}

}

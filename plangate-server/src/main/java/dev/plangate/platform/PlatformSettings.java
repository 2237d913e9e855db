package dev.plangate.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.lettuce.core.RedisURI;

/**
 * Where data lives, the master key, Redis, and the bounds on every request
 * ({@code plangate.*}).
 *
 * @param dataDir where the embedded H2 database lives (and {@code master.key}, when
 * {@code PLANGATE_MASTER_KEY} is unset)
 * @param masterKey base64 of 32 random bytes ({@code openssl rand -base64 32}) encrypting
 * secrets at rest (token signing keys, TOTP secrets); every node of a cluster sets the
 * same value; a node started with another key than the database was set up with stops.
 * Unset: the file {@code master.key} in the data dir, made on the first start. See
 * docs/tokens.md
 * @param maxRequestSize the largest request body accepted; larger ones answer 413
 * {@code payload_too_large}
 * @param idempotencyTtl how long the answer to a request with an {@code Idempotency-Key}
 * is kept for replay
 * @param redisUrl {@code redis://host:6379}: rate-limit state shared by every node, and
 * the event bus by which nodes wake each other (live batch events, waiting workers);
 * without it each node keeps its own (fine for one node)
 * @param redisNamespace what Plangate's Redis keys and pub/sub channels start with:
 * deployments sharing one Redis each set their own, so that they share neither rate-limit
 * state nor events; every node of one deployment sets the same
 * @param redisPrefix what the rate-limit keys in Redis start with; unset: the Redis
 * namespace followed by {@code :rl:}
 * @param eventBus how nodes wake each other
 */
@ConfigurationProperties("plangate")
public record PlatformSettings(@DefaultValue("./data") String dataDir, @DefaultValue("") String masterKey,
		@DefaultValue("8MB") DataSize maxRequestSize, @DefaultValue("24h") Duration idempotencyTtl,
		@DefaultValue("") String redisUrl, @DefaultValue("plangate") String redisNamespace,
		@DefaultValue("") String redisPrefix, @DefaultValue EventBus eventBus) {

	public PlatformSettings {
		dataDir = Settings.notBlank("plangate.data-dir", dataDir);
		masterKey = masterKey.strip();
		if (!masterKey.isEmpty()) {
			try {
				SecretBox.ofBase64(masterKey);
			}
			catch (IllegalArgumentException ex) {
				throw Settings.invalid("plangate.master-key",
						"is refused: " + ex.getMessage() + ". Make one with 'openssl rand -base64 32'.");
			}
		}
		Settings.require(maxRequestSize.toBytes() > 0, "plangate.max-request-size",
				"must be positive, not " + maxRequestSize);
		Settings.positive("plangate.idempotency-ttl", idempotencyTtl);
		redisUrl = redisUrl.strip();
		if (!redisUrl.isEmpty()) {
			try {
				RedisURI.create(redisUrl);
			}
			catch (IllegalArgumentException ex) {
				// the URL is not repeated: it may hold a password
				throw Settings.invalid("plangate.redis-url",
						"must be a Redis URL such as 'redis://host:6379' or 'rediss://user:password@host:6379/0'");
			}
		}
		redisNamespace = Settings.notBlank("plangate.redis-namespace", redisNamespace);
		redisPrefix = redisPrefix.isBlank() ? redisNamespace + ":rl:" : redisPrefix.strip();
		eventBus = eventBus.namespace().isBlank() ? new EventBus(redisNamespace) : eventBus;
	}

	/** Without the master key and the Redis URL, which may hold a password. */
	@Override
	public String toString() {
		return "PlatformSettings[dataDir=" + dataDir + ", masterKey=" + (masterKey.isEmpty() ? "" : "(set)")
				+ ", maxRequestSize=" + maxRequestSize + ", idempotencyTtl=" + idempotencyTtl + ", redisUrl="
				+ (redisUrl.isEmpty() ? "" : RedisLocation.describe(redisUrl)) + ", redisNamespace=" + redisNamespace
				+ ", redisPrefix=" + redisPrefix + ", eventBus=" + eventBus + "]";
	}

	/**
	 * How nodes wake each other: Redis pub/sub with {@code redisUrl}, else within the
	 * process.
	 *
	 * @param namespace what the event bus's Redis channels start with; unset: the Redis
	 * namespace
	 */
	public record EventBus(@DefaultValue("") String namespace) {

		public EventBus {
			namespace = namespace.strip();
		}

	}

}

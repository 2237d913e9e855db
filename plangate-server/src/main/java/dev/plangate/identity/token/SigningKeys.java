package dev.plangate.identity.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.plangate.platform.SecretBox;

/**
 * The EC P-256 keys that sign access tokens, shared by every node through the database. A
 * key signs for {@code plangate.tokens.key-rotation}; its successor is made (by the first
 * node that needs it, under a lock) and published a while before it starts to sign, and a
 * key stays published until every token it signed has expired. Each node holds the keys
 * in memory and reads them again when it meets a key id it does not know.
 */
@Component
class SigningKeys implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

	/** A node reads the keys again for an unknown key id at most this often. */
	private static final long RELOAD_INTERVAL_NANOS = 1_000_000_000L;

	record Key(ECKey jwk, Instant signsFrom, Instant signsUntil) {

		String kid() {
			return jwk.getKeyID();
		}

		boolean signsAt(Instant now) {
			return !now.isBefore(signsFrom) && now.isBefore(signsUntil);
		}

		@Override
		public String toString() {
			return "Key[" + kid() + ", " + signsFrom + " to " + signsUntil + "]";
		}
	}

	private final SigningKeyRepository repository;

	private final SecretBox box;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final TokenSettings settings;

	private volatile List<Key> keys = List.of();

	private volatile long lastReload = System.nanoTime() - RELOAD_INTERVAL_NANOS;

	SigningKeys(SigningKeyRepository repository, SecretBox box, TransactionTemplate transactions, Clock clock,
			TokenSettings settings) {
		this.repository = repository;
		this.box = box;
		this.transactions = transactions;
		this.clock = clock;
		this.settings = settings;
	}

	@Override
	public void afterPropertiesSet() {
		current();
	}

	/** The key that signs now; made (or its successor made) when it is time. */
	Key current() {
		var now = clock.instant();
		var found = signingAt(keys, now);
		if (found.isPresent() && hasSuccessorIfDue(keys, found.get(), now)) {
			return found.get();
		}
		return transactions.execute(status -> {
			repository.lock();
			// the time once the lock is held: a node that read the clock before waiting
			// would not find the key made meanwhile (it signs from a later instant) and
			// make another
			var locked = clock.instant();
			var loaded = load(locked);
			var signing = signingAt(loaded, locked);
			if (signing.isEmpty()) {
				signing = Optional.of(create(locked, locked));
				loaded = load(locked);
			}
			if (!hasSuccessorIfDue(loaded, signing.get(), locked)) {
				create(locked, signing.get().signsUntil());
				loaded = load(locked);
			}
			keys = loaded;
			return signing.get();
		});
	}

	/**
	 * A published key with this id, reading the keys again if this node does not know it.
	 */
	Optional<ECKey> verificationKey(String kid) {
		var now = clock.instant();
		var found = published(keys, now).filter(k -> k.kid().equals(kid)).findFirst();
		if (found.isEmpty() && System.nanoTime() - lastReload >= RELOAD_INTERVAL_NANOS) {
			lastReload = System.nanoTime();
			keys = load(now);
			found = published(keys, now).filter(k -> k.kid().equals(kid)).findFirst();
		}
		return found.map(k -> k.jwk().toPublicJWK());
	}

	/**
	 * The public keys of every key that may have signed a token still valid, or will soon
	 * sign.
	 */
	JWKSet publicKeys() {
		var now = clock.instant();
		if (signingAt(keys, now).isEmpty() || !hasSuccessorIfDue(keys, signingAt(keys, now).get(), now)) {
			current();
		}
		return new JWKSet(published(keys, now).map(k -> (JWK) k.jwk().toPublicJWK()).toList());
	}

	private Stream<Key> published(List<Key> from, Instant now) {
		return from.stream().filter(k -> now.isBefore(k.signsUntil().plus(settings.longestTokenLife())));
	}

	private static Optional<Key> signingAt(List<Key> from, Instant now) {
		return from.stream().filter(k -> k.signsAt(now)).max(Comparator.comparing(Key::signsFrom));
	}

	private boolean hasSuccessorIfDue(List<Key> from, Key signing, Instant now) {
		if (now.isBefore(signing.signsUntil().minus(settings.prePublication()))) {
			return true;
		}
		return from.stream().anyMatch(k -> !k.signsFrom().isBefore(signing.signsUntil()));
	}

	private List<Key> load(Instant now) {
		return repository.signingAfter(now.minus(settings.longestTokenLife())).stream().map(this::open).toList();
	}

	private Key open(SigningKeyRepository.Row row) {
		try {
			var jwk = ECKey.parse(box.decrypt(row.sealedPrivateJwk(), purpose(row.kid())));
			return new Key(jwk, row.signsFrom(), row.signsUntil());
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Signing key " + row.kid() + " is not a stored EC key", ex);
		}
	}

	private Key create(Instant now, Instant signsFrom) {
		ECKey jwk;
		try {
			jwk = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString())
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.ES256)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot make an EC P-256 key", ex);
		}
		var key = new Key(jwk, signsFrom, signsFrom.plus(settings.keyRotation()));
		repository.insert(
				new SigningKeyRepository.Row(key.kid(), JWSAlgorithm.ES256.getName(), jwk.toPublicJWK().toJSONString(),
						box.encrypt(jwk.toJSONString(), purpose(key.kid())), now, key.signsFrom(), key.signsUntil()));
		log.info("Made token signing key {} (ES256), signing from {} to {}", key.kid(), key.signsFrom(),
				key.signsUntil());
		return key;
	}

	private static String purpose(String kid) {
		return "signing_key:" + kid;
	}

}

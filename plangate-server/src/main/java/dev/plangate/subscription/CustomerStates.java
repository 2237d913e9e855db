package dev.plangate.subscription;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * This node's copies of the customers' states that decisions read, each kept with the
 * state version it was read at. A copy serves only while the customer's version in the
 * database is still the one it was read at, so a change made on any node counts from the
 * next decision everywhere; the cache saves the reads of the customer, its subscription
 * and its overrides, not the read of the version (which a quota's consume leaves to the
 * ledger, in the transaction that records it).
 */
@Component
class CustomerStates {

	/** Customers kept at most; the least recently used go first. */
	static final int MAXIMUM = 100_000;

	/** A copy not used for this long is dropped. */
	static final Duration IDLE = Duration.ofMinutes(10);

	private final Cache<String, CustomerState> states = Caffeine.newBuilder()
		.maximumSize(MAXIMUM)
		.expireAfterAccess(IDLE)
		.build();

	/** The copy of the customer's state at {@code version}, or null if none is kept. */
	@Nullable CustomerState at(String customerId, long version) {
		var state = states.getIfPresent(customerId);
		return state != null && state.version() == version ? state : null;
	}

	/** The copy kept of the customer's state, at whatever version; null if none. */
	@Nullable CustomerState kept(String customerId) {
		return states.getIfPresent(customerId);
	}

	/**
	 * Keeps a copy read at its version. Of two copies read at once the later kept wins,
	 * even if older: an older one only fails its next version check.
	 */
	void keep(CustomerState state) {
		states.put(state.customer().id(), state);
	}

}

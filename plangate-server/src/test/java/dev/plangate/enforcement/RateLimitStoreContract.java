package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Race;

/**
 * What every rate-limit store must do, whatever keeps its state. One subclass per store.
 */
abstract class RateLimitStoreContract {

	/** 10 per minute: one every 6 seconds sustained, bursts of 10. */
	static final RateLimit TEN_PER_MINUTE = new RateLimit(10, Duration.ofMinutes(1));

	static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

	abstract RateLimitStore store();

	String key() {
		return "contract-" + UUID.randomUUID();
	}

	@Test
	void aFreshKeyAllowsAFullBurstThenRefuses() {
		var key = key();

		for (int i = 1; i <= 10; i++) {
			var decision = store().acquire(key, TEN_PER_MINUTE, 1, T0);
			assertThat(decision.allowed()).as("request %d", i).isTrue();
			assertThat(decision.remaining()).isEqualTo(10 - i);
		}
		var eleventh = store().acquire(key, TEN_PER_MINUTE, 1, T0);

		assertThat(eleventh.allowed()).isFalse();
		assertThat(eleventh.remaining()).isZero();
		assertThat(eleventh.retryAfter()).isEqualTo(Duration.ofSeconds(6));
		assertThat(eleventh.resetAfter()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void oneMoreIsAllowedEachIntervalAfterTheBurst() {
		var key = key();
		for (int i = 0; i < 10; i++) {
			store().acquire(key, TEN_PER_MINUTE, 1, T0);
		}

		var tooEarly = store().acquire(key, TEN_PER_MINUTE, 1, T0.plusSeconds(6).minusMillis(1));
		var onTime = store().acquire(key, TEN_PER_MINUTE, 1, T0.plusSeconds(6));
		var again = store().acquire(key, TEN_PER_MINUTE, 1, T0.plusSeconds(6));

		assertThat(tooEarly.allowed()).isFalse();
		assertThat(tooEarly.retryAfter()).isEqualTo(Duration.ofMillis(1));
		assertThat(onTime.allowed()).isTrue();
		assertThat(again.allowed()).isFalse();
	}

	@Test
	void theFullBurstReturnsAfterAWindowOfRest() {
		var key = key();
		for (int i = 0; i < 10; i++) {
			store().acquire(key, TEN_PER_MINUTE, 1, T0);
		}

		var later = store().acquire(key, TEN_PER_MINUTE, 1, T0.plus(Duration.ofMinutes(1)));

		assertThat(later.allowed()).isTrue();
		assertThat(later.remaining()).isEqualTo(9);
	}

	@Test
	void peekChangesNothing() {
		var key = key();
		store().acquire(key, TEN_PER_MINUTE, 3, T0);

		var first = store().peek(key, TEN_PER_MINUTE, 1, T0);
		var second = store().peek(key, TEN_PER_MINUTE, 1, T0);
		var taken = store().acquire(key, TEN_PER_MINUTE, 1, T0);

		assertThat(first).isEqualTo(second);
		assertThat(first.allowed()).isTrue();
		assertThat(first.remaining()).isEqualTo(6);
		assertThat(taken.remaining()).isEqualTo(6);
	}

	@Test
	void aCostTakesThatManyAndIsRefusedWhole() {
		var key = key();

		var seven = store().acquire(key, TEN_PER_MINUTE, 7, T0);
		var four = store().acquire(key, TEN_PER_MINUTE, 4, T0);
		var three = store().acquire(key, TEN_PER_MINUTE, 3, T0);

		assertThat(seven.allowed()).isTrue();
		assertThat(seven.remaining()).isEqualTo(3);
		assertThat(four.allowed()).as("4 > the 3 left: refused whole").isFalse();
		assertThat(three.allowed()).isTrue();
		assertThat(three.remaining()).isZero();
	}

	@Test
	void aCostAboveTheLimitIsNeverAllowed() {
		var decision = store().acquire(key(), TEN_PER_MINUTE, 11, T0);

		assertThat(decision.allowed()).isFalse();
	}

	@Test
	void resetRestoresTheFullBurst() {
		var key = key();
		for (int i = 0; i < 10; i++) {
			store().acquire(key, TEN_PER_MINUTE, 1, T0);
		}

		store().reset(key);
		var after = store().acquire(key, TEN_PER_MINUTE, 1, T0);

		assertThat(after.allowed()).isTrue();
		assertThat(after.remaining()).isEqualTo(9);
	}

	@Test
	void keysAreIndependent() {
		var one = key();
		var other = key();
		for (int i = 0; i < 10; i++) {
			store().acquire(one, TEN_PER_MINUTE, 1, T0);
		}

		assertThat(store().acquire(other, TEN_PER_MINUTE, 1, T0).allowed()).isTrue();
	}

	@Test
	void concurrentRequestsAtOneInstantAreAdmittedExactlyUpToTheLimit() throws Exception {
		var key = key();
		var limit = new RateLimit(25, Duration.ofMinutes(1));

		var decisions = Race.times(100, (Callable<Boolean>) () -> store().acquire(key, limit, 1, T0).allowed());

		assertThat(decisions).filteredOn(Boolean::booleanValue).hasSize(25);
	}

}

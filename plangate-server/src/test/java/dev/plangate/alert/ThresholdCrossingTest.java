package dev.plangate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.plangate.metering.QuotaProgress;

/**
 * The arithmetic that keeps the ledger's hot path cheap: thresholds are looked up only
 * for an event that crosses a whole percent of its limit, and a threshold is reached
 * exactly at its share, for any size of limit.
 */
class ThresholdCrossingTest {

	private static QuotaProgress.Step step(long before, long after, long limit) {
		return new QuotaProgress.Step(QuotaProgress.Kind.ADMITTED, "c", "f", Instant.EPOCH, null, "e", before, after,
				limit);
	}

	@Test
	void aSmallStepOfALargeLimitCrossesAWholePercentOnlyAtItsBoundary() {
		// given: 10,000 allowed, so a whole percent is 100 units
		long limit = 10_000;

		// then
		assertThat(UsageAlerts.crossesWholePercent(step(7_998, 7_999, limit))).isFalse();
		assertThat(UsageAlerts.crossesWholePercent(step(7_999, 8_000, limit))).isTrue();
		assertThat(UsageAlerts.crossesWholePercent(step(8_000, 8_001, limit))).isFalse();
	}

	@Test
	void nothingBelowOnePercentNorBeyondATenfoldLimitNorGoingDownCrosses() {
		assertThat(UsageAlerts.crossesWholePercent(step(0, 99, 10_000))).isFalse();
		assertThat(UsageAlerts.crossesWholePercent(step(0, 100, 10_000))).isTrue();
		assertThat(UsageAlerts.crossesWholePercent(step(100_000, 200_000, 10_000))).isFalse();
		assertThat(UsageAlerts.crossesWholePercent(step(9_000, 8_000, 10_000))).isFalse();
	}

	@Test
	void aThresholdIsReachedAtItsExactShareEvenForLimitsNearTheLargestNumber() {
		assertThat(UsageAlerts.reached(79, 100, 80)).isFalse();
		assertThat(UsageAlerts.reached(80, 100, 80)).isTrue();
		assertThat(UsageAlerts.reached(7, 9, 80)).isFalse(); // 77.7 %
		assertThat(UsageAlerts.reached(8, 9, 80)).isTrue(); // 88.8 %
		long huge = Long.MAX_VALUE / 2;
		assertThat(UsageAlerts.reached(huge, Long.MAX_VALUE - 1, 50)).isTrue();
		assertThat(UsageAlerts.reached(huge - 1, Long.MAX_VALUE - 1, 50)).isFalse();
		assertThat(UsageAlerts.crossesWholePercent(step(huge - 1, huge, Long.MAX_VALUE - 1))).isTrue();
	}

}

package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The forecast rule on its own: the weighted trend recovers a steady rate and a straight
 * line exactly, follows a rise and a fall, needs seven days from the first usage, and
 * falls back to the period's straight line, then to nothing.
 */
class UsageForecastTest {

	/** Fifteen of April's thirty days have passed. */
	private static final Instant MID_APRIL = Instant.parse("2027-04-16T00:00:00Z");

	private static final Period APRIL = new Period(Instant.parse("2027-04-01T00:00:00Z"),
			Instant.parse("2027-05-01T00:00:00Z"));

	@Test
	void steadyUsageHasItsOwnRateAsTrend() {
		// given
		var days = new long[] { 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20 };

		// when
		var trend = UsageForecast.trend(days);

		// then
		assertThat(trend).isNotNull();
		assertThat(trend.dailyRate()).isCloseTo(20, within(1e-9));
		assertThat(trend.slope()).isCloseTo(0, within(1e-9));
		assertThat(trend.basisDays()).isEqualTo(14);
	}

	@Test
	void usageGrowingByTheSameAmountEachDayHasTheLatestDayAsRate() {
		// given: 1, 2, … 14 a day
		var days = new long[14];
		for (int i = 0; i < days.length; i++) {
			days[i] = i + 1;
		}

		// when
		var trend = UsageForecast.trend(days);

		// then
		assertThat(trend).isNotNull();
		assertThat(trend.dailyRate()).isCloseTo(14, within(1e-9));
		assertThat(trend.slope()).isCloseTo(1, within(1e-9));
	}

	@Test
	void risingUsageProjectsAboveTheStraightLineAndFallingUsageBelowIt() {
		// given: the same 490 in the period's fifteen days, first low then high, or the
		// reverse
		var rising = new long[] { 10, 10, 10, 10, 10, 10, 10, 60, 60, 60, 60, 60, 60, 60 };
		var falling = new long[] { 60, 60, 60, 60, 60, 60, 60, 10, 10, 10, 10, 10, 10, 10 };
		long used = 490;
		double straightLine = used / APRIL.elapsed(MID_APRIL);

		// when
		var up = UsageForecast.project(used, APRIL, MID_APRIL, rising);
		var down = UsageForecast.project(used, APRIL, MID_APRIL, falling);

		// then
		assertThat(up).isNotNull();
		assertThat(up.method()).isEqualTo("trend");
		assertThat(up.total()).isGreaterThan(Math.round(straightLine));
		assertThat(up.total()).isEqualTo(Math.round(used + up.dailyRate() * 15));
		assertThat(up.dailyRate()).isGreaterThan(60);
		assertThat(down).isNotNull();
		assertThat(down.method()).isEqualTo("trend");
		assertThat(down.total()).isLessThan(Math.round(straightLine)).isGreaterThanOrEqualTo(used);
		assertThat(down.dailyRate()).isLessThan(10);
	}

	@Test
	void trendNeedsSevenDaysFromTheFirstUsage() {
		// given
		var six = new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5 };
		var seven = new long[] { 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 5 };

		// when / then
		assertThat(UsageForecast.trend(six)).isNull();
		assertThat(UsageForecast.trend(seven)).isNotNull().satisfies(t -> assertThat(t.basisDays()).isEqualTo(7));
		assertThat(UsageForecast.trend(null)).isNull();
	}

	@Test
	void withoutATrendTheStraightLineOfThePeriodProjectsOnceATenthHasPassed() {
		// given: three of thirty days passed, then only two
		var three = Instant.parse("2027-04-04T00:00:00Z");
		var two = Instant.parse("2027-04-03T00:00:00Z");

		// when
		var linear = UsageForecast.project(30, APRIL, three, new long[14]);
		var none = UsageForecast.project(30, APRIL, two, null);

		// then
		assertThat(linear).isNotNull();
		assertThat(linear.method()).isEqualTo("linear");
		assertThat(linear.total()).isEqualTo(300);
		assertThat(linear.dailyRate()).isEqualTo(10.0);
		assertThat(linear.basisDays()).isEqualTo(3);
		assertThat(none).isNull();
	}

	@Test
	void periodWithoutEndHasNoProjection() {
		assertThat(UsageForecast.project(3, Period.LIFETIME, MID_APRIL, new long[] { 1, 1, 1, 1, 1, 1, 1, 1 }))
			.isNull();
	}

	@Test
	void rollupsFallIntoTheTwentyFourHourWindowsEndingWithTheCurrentHour() {
		// given: now 10:20, so the latest window is yesterday 11:00 to today 11:00
		var now = Instant.parse("2027-04-16T10:20:00Z");
		var rollups = List.of(new LedgerRepository.Rollup("api_calls", Instant.parse("2027-04-16T10:00:00Z"), 4, 1),
				new LedgerRepository.Rollup("api_calls", Instant.parse("2027-04-15T11:00:00Z"), 3, 1),
				new LedgerRepository.Rollup("api_calls", Instant.parse("2027-04-15T10:00:00Z"), 2, 1),
				new LedgerRepository.Rollup("api_calls", Instant.parse("2027-04-02T11:00:00Z"), 1, 1),
				new LedgerRepository.Rollup("api_calls", Instant.parse("2027-04-02T10:00:00Z"), 100, 1));

		// when
		var days = UsageForecast.dailyTotals(rollups, now).get("api_calls");

		// then
		assertThat(days).hasSize(14);
		assertThat(days[13]).isEqualTo(7);
		assertThat(days[12]).isEqualTo(2);
		assertThat(days[0]).isEqualTo(1);
	}

}

package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.catalog.ResetPeriod;

/**
 * The windows quotas count usage in: UTC hours, days and calendar months that start at
 * their boundary instant, the subscription's billing period, and a lifetime that never
 * ends.
 */
class PeriodTest {

	/** A billing period that none of the calendar windows below equals. */
	private static final Period BILLING = new Period(Instant.parse("2027-03-17T09:30:00Z"),
			Instant.parse("2027-04-17T09:30:00Z"));

	private static Instant at(String text) {
		return Instant.parse(text);
	}

	private static Period period(String start, String end) {
		return new Period(at(start), at(end));
	}

	@Nested
	class Hour {

		@Test
		void instantInsideAnHourBelongsToThatHour() {
			// when
			var period = Period.of(ResetPeriod.HOUR, at("2027-03-17T10:42:17.123Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-17T10:00:00Z", "2027-03-17T11:00:00Z"));
		}

		@Test
		void boundaryInstantStartsTheNewHour() {
			// when
			var period = Period.of(ResetPeriod.HOUR, at("2027-03-17T11:00:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-17T11:00:00Z", "2027-03-17T12:00:00Z"));
		}

		@Test
		void oneNanosecondBeforeTheBoundaryIsStillTheOldHour() {
			// when
			var period = Period.of(ResetPeriod.HOUR, at("2027-03-17T10:59:59.999999999Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-17T10:00:00Z", "2027-03-17T11:00:00Z"));
		}

		@Test
		void lastHourOfTheYearEndsAtNewYear() {
			// when
			var period = Period.of(ResetPeriod.HOUR, at("2027-12-31T23:30:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-12-31T23:00:00Z", "2028-01-01T00:00:00Z"));
		}

	}

	@Nested
	class Day {

		@Test
		void instantInsideADayBelongsToThatUtcDay() {
			// when
			var period = Period.of(ResetPeriod.DAY, at("2027-03-17T23:15:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-17T00:00:00Z", "2027-03-18T00:00:00Z"));
		}

		@Test
		void midnightStartsTheNewDay() {
			// when
			var period = Period.of(ResetPeriod.DAY, at("2027-03-18T00:00:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-18T00:00:00Z", "2027-03-19T00:00:00Z"));
		}

		@Test
		void oneNanosecondBeforeMidnightIsStillTheOldDay() {
			// when
			var period = Period.of(ResetPeriod.DAY, at("2027-03-17T23:59:59.999999999Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-17T00:00:00Z", "2027-03-18T00:00:00Z"));
		}

		@Test
		void leapDayIsADayOfItsOwn() {
			// when
			var period = Period.of(ResetPeriod.DAY, at("2028-02-29T12:00:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z"));
		}

	}

	@Nested
	class Month {

		@Test
		void instantInsideAMonthBelongsToThatCalendarMonth() {
			// when
			var period = Period.of(ResetPeriod.MONTH, at("2027-03-17T10:42:17Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"));
		}

		@Test
		void firstInstantOfAMonthStartsTheNewMonth() {
			// when
			var period = Period.of(ResetPeriod.MONTH, at("2027-04-01T00:00:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z"));
		}

		@Test
		void oneNanosecondBeforeTheMonthChangesIsStillTheOldMonth() {
			// when
			var period = Period.of(ResetPeriod.MONTH, at("2027-03-31T23:59:59.999999999Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"));
		}

		@Test
		void januaryThirtyFirstIsFollowedByFebruaryFirst() {
			// when
			var january = Period.of(ResetPeriod.MONTH, at("2027-01-31T18:00:00Z"), BILLING);
			var february = Period.of(ResetPeriod.MONTH, at("2027-02-01T00:00:00Z"), BILLING);

			// then: the month is not counted from the 31st, so February is not skipped
			assertThat(january).isEqualTo(period("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"));
			assertThat(february).isEqualTo(period("2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"));
		}

		@Test
		void februaryOfALeapYearEndsAfterTheTwentyNinth() {
			// when
			var leapDay = Period.of(ResetPeriod.MONTH, at("2028-02-29T23:59:59Z"), BILLING);

			// then
			assertThat(leapDay).isEqualTo(period("2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"));
			assertThat(Period.of(ResetPeriod.MONTH, at("2028-03-01T00:00:00Z"), BILLING).start())
				.isEqualTo(at("2028-03-01T00:00:00Z"));
		}

		@Test
		void februaryOfACommonYearEndsAfterTheTwentyEighth() {
			// when
			var period = Period.of(ResetPeriod.MONTH, at("2027-02-28T23:59:59Z"), BILLING);

			// then
			assertThat(period).isEqualTo(period("2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"));
		}

		@Test
		void decemberEndsAtJanuaryOfTheNextYear() {
			// when
			var december = Period.of(ResetPeriod.MONTH, at("2027-12-31T23:59:59.999999999Z"), BILLING);
			var january = Period.of(ResetPeriod.MONTH, at("2028-01-01T00:00:00Z"), BILLING);

			// then
			assertThat(december).isEqualTo(period("2027-12-01T00:00:00Z", "2028-01-01T00:00:00Z"));
			assertThat(january).isEqualTo(period("2028-01-01T00:00:00Z", "2028-02-01T00:00:00Z"));
		}

	}

	@Nested
	class BillingPeriodAndLifetime {

		@Test
		void billingPeriodIsTheSubscriptionsPeriodGiven() {
			// when
			var period = Period.of(ResetPeriod.BILLING_PERIOD, at("2027-03-20T00:00:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(BILLING);
		}

		@Test
		void lifetimeStartsAtTheEpochAndNeverEnds() {
			// when
			var period = Period.of(ResetPeriod.LIFETIME, at("2027-03-20T00:00:00Z"), BILLING);

			// then
			assertThat(period).isEqualTo(Period.LIFETIME);
			assertThat(period.start()).isEqualTo(Instant.EPOCH);
			assertThat(period.end()).isNull();
		}

		@Test
		void lifetimeIsTheSameWindowWhateverTheInstant() {
			// when
			var early = Period.of(ResetPeriod.LIFETIME, at("1999-01-01T00:00:00Z"), BILLING);
			var late = Period.of(ResetPeriod.LIFETIME, at("2099-12-31T23:59:59Z"), BILLING);

			// then
			assertThat(early).isEqualTo(late);
		}

	}

	@Nested
	class Contains {

		private final Period march = period("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z");

		@Test
		void startIsInside() {
			// then
			assertThat(march.contains(at("2027-03-01T00:00:00Z"))).isTrue();
		}

		@Test
		void instantInTheMiddleIsInside() {
			// then
			assertThat(march.contains(at("2027-03-15T12:00:00Z"))).isTrue();
		}

		@Test
		void lastNanosecondIsInside() {
			// then
			assertThat(march.contains(at("2027-03-31T23:59:59.999999999Z"))).isTrue();
		}

		@Test
		void endIsOutside() {
			// then
			assertThat(march.contains(at("2027-04-01T00:00:00Z"))).isFalse();
		}

		@Test
		void instantBeforeTheStartIsOutside() {
			// then
			assertThat(march.contains(at("2027-02-28T23:59:59.999999999Z"))).isFalse();
		}

		@Test
		void lifetimeContainsEverythingFromTheEpochOn() {
			// then
			assertThat(Period.LIFETIME.contains(Instant.EPOCH)).isTrue();
			assertThat(Period.LIFETIME.contains(at("2999-01-01T00:00:00Z"))).isTrue();
			assertThat(Period.LIFETIME.contains(Instant.EPOCH.minusNanos(1))).isFalse();
		}

	}

	@Nested
	class Elapsed {

		/** Thirty days, so that ten days are a third. */
		private final Period april = period("2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z");

		@Test
		void nothingHasPassedAtTheStart() {
			// then
			assertThat(april.elapsed(at("2027-04-01T00:00:00Z"))).isEqualTo(0.0);
		}

		@Test
		void tenDaysOfThirtyAreAThird() {
			// then
			assertThat(april.elapsed(at("2027-04-11T00:00:00Z"))).isCloseTo(1.0 / 3, within(1e-9));
		}

		@Test
		void halfwayIsAHalf() {
			// then
			assertThat(april.elapsed(at("2027-04-16T00:00:00Z"))).isCloseTo(0.5, within(1e-9));
		}

		@Test
		void everythingHasPassedAtTheEnd() {
			// then
			assertThat(april.elapsed(at("2027-05-01T00:00:00Z"))).isEqualTo(1.0);
		}

		@Test
		void staysWithinZeroAndOneOutsideThePeriod() {
			// then
			assertThat(april.elapsed(at("2027-03-15T00:00:00Z"))).isEqualTo(0.0);
			assertThat(april.elapsed(at("2027-06-15T00:00:00Z"))).isEqualTo(1.0);
		}

		@Test
		void lifetimeHasNoShareElapsed() {
			// then
			assertThat(Period.LIFETIME.elapsed(at("2027-04-11T00:00:00Z"))).isEqualTo(0.0);
		}

	}

}

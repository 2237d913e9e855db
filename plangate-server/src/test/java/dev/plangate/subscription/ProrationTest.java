package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanDefinition;
import dev.plangate.catalog.PlanStatus;

/** Plangate's own daily proration of plan changes, on fixed instants and prices. */
class ProrationTest {

	private static final Plan STARTER = plan("starter", 900, BillingInterval.MONTH, 0);

	private static final Plan PRO = plan("pro", 2900, BillingInterval.MONTH, 0);

	private static final Plan PRO_TRIAL = plan("pro_trial", 2900, BillingInterval.MONTH, 14);

	private static final Plan PRO_YEARLY = plan("pro_yearly", 29000, BillingInterval.YEAR, 0);

	private static Plan plan(String key, long price, BillingInterval interval, int trialDays) {
		var definition = new PlanDefinition(key, key, null, price, "USD", interval, trialDays, 0, BigDecimal.ONE,
				Map.of(), null);
		return new Plan(key, 1, PlanStatus.ACTIVE, false, true, definition, Instant.parse("2020-01-01T00:00:00Z"));
	}

	private static Instant at(String text) {
		return Instant.parse(text);
	}

	@Test
	void anUpgradeHalfWayThroughAThirtyDayPeriodChargesHalfTheDifference() {
		// given: starter from April 1st (30 days), changed on April 16th
		var s = Lifecycle.start(UUID.randomUUID(), "c", STARTER, false, at("2027-04-01T00:00:00Z"));
		var now = at("2027-04-16T00:00:00Z");
		var after = Lifecycle.change(s, BillingInterval.MONTH, PRO, false, now);

		// when
		var proration = Proration.now(s, STARTER, after, PRO, now);

		// then: 15 of 30 days left: 450 back, 1450 charged
		assertThat(proration.periodDays()).isEqualTo(30);
		assertThat(proration.daysLeft()).isEqualTo(15);
		assertThat(proration.credit()).isEqualTo(450);
		assertThat(proration.charge()).isEqualTo(1450);
		assertThat(proration.net()).isEqualTo(1000);
	}

	@Test
	void aPartDayLeftCountsAsAWholeDay() {
		// given
		var s = Lifecycle.start(UUID.randomUUID(), "c", STARTER, false, at("2027-04-01T00:00:00Z"));
		var now = at("2027-04-30T23:00:00Z");
		var after = Lifecycle.change(s, BillingInterval.MONTH, PRO, false, now);

		// when
		var proration = Proration.now(s, STARTER, after, PRO, now);

		// then
		assertThat(proration.daysLeft()).isEqualTo(1);
		assertThat(proration.credit()).isEqualTo(30);
		assertThat(proration.charge()).isEqualTo(97);
	}

	@Test
	void aChangeToAnotherIntervalChargesTheWholeNewPeriod() {
		// given
		var s = Lifecycle.start(UUID.randomUUID(), "c", PRO, false, at("2027-04-01T00:00:00Z"));
		var now = at("2027-04-21T00:00:00Z");
		var after = Lifecycle.change(s, BillingInterval.MONTH, PRO_YEARLY, false, now);

		// when
		var proration = Proration.now(s, PRO, after, PRO_YEARLY, now);

		// then: 10 of 30 days of pro back, a year of pro_yearly charged
		assertThat(proration.credit()).isEqualTo(967);
		assertThat(proration.charge()).isEqualTo(29000);
	}

	@Test
	void aTrialCreditsNothingAndAStartedTrialChargesNothing() {
		// given
		var trialing = Lifecycle.start(UUID.randomUUID(), "c", PRO_TRIAL, true, at("2027-04-01T00:00:00Z"));
		var now = at("2027-04-05T00:00:00Z");
		var paid = Lifecycle.change(trialing, BillingInterval.MONTH, PRO, false, now);
		var free = Lifecycle.start(UUID.randomUUID(), "c", STARTER, false, at("2027-04-01T00:00:00Z"));
		var intoTrial = Lifecycle.change(free, BillingInterval.MONTH, PRO_TRIAL, true, now);

		// when
		var fromTrial = Proration.now(trialing, PRO_TRIAL, paid, PRO, now);
		var toTrial = Proration.now(free, STARTER, intoTrial, PRO_TRIAL, now);

		// then
		assertThat(fromTrial.credit()).isZero();
		assertThat(fromTrial.charge()).isEqualTo(2900);
		assertThat(toTrial.charge()).isZero();
		assertThat(toTrial.net()).isNegative();
	}

	@Test
	void directionComparesPricesPerYear() {
		assertThat(Proration.direction(PRO.definition(), STARTER.definition())).isNegative();
		assertThat(Proration.direction(STARTER.definition(), PRO.definition())).isPositive();
		assertThat(Proration.direction(PRO.definition(), PRO_YEARLY.definition())).isNegative();
		assertThat(Proration.direction(PRO.definition(), PRO_TRIAL.definition())).isZero();
	}

}

package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.Entitlement;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanDefinition;
import dev.plangate.catalog.PlanStatus;

/**
 * The pure rules of a subscription's life: periods, trials, cancellations and plan
 * changes, on fixed instants.
 */
class LifecycleTest {

	private static final Instant CATALOG_TIME = Instant.parse("2020-01-01T00:00:00Z");

	private static final Plan FREE = plan("free", 1, BillingInterval.MONTH, 0, true);

	private static final Plan PRO = plan("pro", 1, BillingInterval.MONTH, 14, false);

	private static final Plan ENTERPRISE = plan("enterprise", 1, BillingInterval.MONTH, 0, false);

	private static final Plan YEARLY = plan("yearly", 1, BillingInterval.YEAR, 0, false);

	private static final Map<String, Plan> PLANS = Map.of("free", FREE, "pro", PRO, "enterprise", ENTERPRISE, "yearly",
			YEARLY);

	private static final Function<Subscription, BillingInterval> INTERVAL_OF = s -> PLANS.get(s.planKey())
		.definition()
		.interval();

	private static final Lifecycle.Dunning SUSPEND = new Lifecycle.Dunning(Duration.ofDays(14), false);

	private static final Lifecycle.Dunning TO_DEFAULT_PLAN = new Lifecycle.Dunning(Duration.ofDays(14), true);

	private static Plan plan(String key, int version, BillingInterval interval, int trialDays, boolean isDefault) {
		var definition = new PlanDefinition(key, key, null, isDefault ? 0 : 1000, "USD", interval, trialDays, 0,
				BigDecimal.ONE, Map.of("seats", Entitlement.ofLimit(1)), null);
		return new Plan(key, version, PlanStatus.ACTIVE, isDefault, true, definition, CATALOG_TIME);
	}

	private static Instant at(String text) {
		return Instant.parse(text);
	}

	private static Subscription startOn(Plan plan, boolean trial, Instant now) {
		return Lifecycle.start(UUID.randomUUID(), "customer-1", plan, trial, now);
	}

	private static Lifecycle.Advanced advance(Subscription s, Instant now) {
		return Lifecycle.advance(s, now, INTERVAL_OF, () -> FREE, due -> PLANS.get(due.pending().planKey()), SUSPEND);
	}

	@Nested
	class Periods {

		@Test
		void monthlyPeriodAnchoredOnJanuary31stRenewsOnFebruary28thThenMarch31st() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-01-31T10:00:00Z"));

			// then
			assertThat(s.currentPeriodStart()).isEqualTo(at("2027-01-31T10:00:00Z"));
			assertThat(s.currentPeriodEnd()).isEqualTo(at("2027-02-28T10:00:00Z"));

			// when
			var february = advance(s, at("2027-02-28T10:00:00Z")).subscription();

			// then
			assertThat(february.currentPeriodStart()).isEqualTo(at("2027-02-28T10:00:00Z"));
			assertThat(february.currentPeriodEnd()).isEqualTo(at("2027-03-31T10:00:00Z"));

			// when
			var march = advance(february, at("2027-03-31T10:00:00Z")).subscription();

			// then
			assertThat(march.currentPeriodStart()).isEqualTo(at("2027-03-31T10:00:00Z"));
			assertThat(march.currentPeriodEnd()).isEqualTo(at("2027-04-30T10:00:00Z"));
			assertThat(march.periodAnchor()).isEqualTo(at("2027-01-31T10:00:00Z"));
		}

		@Test
		void monthlyPeriodAnchoredOnJanuary31stRenewsOnFebruary29thInALeapYear() {
			// given
			var s = startOn(ENTERPRISE, false, at("2028-01-31T10:00:00Z"));

			// when
			var february = advance(s, at("2028-02-29T10:00:00Z")).subscription();
			var march = advance(february, at("2028-03-31T10:00:00Z")).subscription();

			// then
			assertThat(s.currentPeriodEnd()).isEqualTo(at("2028-02-29T10:00:00Z"));
			assertThat(february.currentPeriodStart()).isEqualTo(at("2028-02-29T10:00:00Z"));
			assertThat(february.currentPeriodEnd()).isEqualTo(at("2028-03-31T10:00:00Z"));
			assertThat(march.currentPeriodStart()).isEqualTo(at("2028-03-31T10:00:00Z"));
			assertThat(march.currentPeriodEnd()).isEqualTo(at("2028-04-30T10:00:00Z"));
		}

		@Test
		void periodsAreCountedFromTheAnchorSoAShortMonthDoesNotShortenLaterOnes() {
			// given: a subscription that lived through February, now in its March period
			var s = startOn(ENTERPRISE, false, at("2027-01-31T10:00:00Z"));
			var march = advance(s, at("2027-03-31T10:00:00Z")).subscription();

			// then: March ends on April 30th, May ends on May 31st, not on the 28th
			assertThat(march.currentPeriodEnd()).isEqualTo(at("2027-04-30T10:00:00Z"));
			var may = advance(march, at("2027-05-31T10:00:00Z")).subscription();
			assertThat(may.currentPeriodStart()).isEqualTo(at("2027-05-31T10:00:00Z"));
			assertThat(may.currentPeriodEnd()).isEqualTo(at("2027-06-30T10:00:00Z"));
		}

		@Test
		void yearlyPeriodAnchoredOnFebruary29thRenewsOnFebruary28thOfTheNextYear() {
			// given
			var s = startOn(YEARLY, false, at("2028-02-29T12:00:00Z"));

			// then
			assertThat(s.currentPeriodEnd()).isEqualTo(at("2029-02-28T12:00:00Z"));

			// when
			var next = advance(s, at("2029-02-28T12:00:00Z")).subscription();

			// then
			assertThat(next.currentPeriodStart()).isEqualTo(at("2029-02-28T12:00:00Z"));
			assertThat(next.currentPeriodEnd()).isEqualTo(at("2030-02-28T12:00:00Z"));
		}

		@Test
		void yearlyPeriodAnchoredOnFebruary29thReturnsToFebruary29thInTheNextLeapYear() {
			// given
			var s = startOn(YEARLY, false, at("2028-02-29T12:00:00Z"));

			// when
			var later = advance(s, at("2032-03-01T00:00:00Z")).subscription();

			// then
			assertThat(later.currentPeriodStart()).isEqualTo(at("2032-02-29T12:00:00Z"));
			assertThat(later.currentPeriodEnd()).isEqualTo(at("2033-02-28T12:00:00Z"));
		}

		@Test
		void theBoundaryInstantBelongsToTheNextPeriod() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var boundary = at("2027-06-10T08:30:00Z");

			// when
			var advanced = advance(s, boundary);

			// then
			assertThat(advanced.changed()).isTrue();
			assertThat(advanced.subscription().currentPeriodStart()).isEqualTo(boundary);
			assertThat(advanced.subscription().currentPeriodEnd()).isEqualTo(at("2027-07-10T08:30:00Z"));
			assertThat(advanced.transitions()).as("renewals are not recorded").isEmpty();
		}

		@Test
		void oneNanosecondBeforeTheBoundaryBelongsToTheCurrentPeriod() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var boundary = at("2027-06-10T08:30:00Z");

			// when
			var advanced = advance(s, boundary.minusNanos(1));

			// then
			assertThat(advanced.changed()).isFalse();
			assertThat(advanced.subscription()).isEqualTo(s);
			assertThat(advanced.transitions()).isEmpty();
		}

		@Test
		void periodNumberIsTheOneHoldingNowAtAndAroundBoundaries() {
			var anchor = at("2027-01-31T10:00:00Z");

			assertThat(Lifecycle.periodsBefore(BillingInterval.MONTH, anchor, anchor)).isZero();
			assertThat(Lifecycle.periodsBefore(BillingInterval.MONTH, anchor, at("2027-02-28T10:00:00Z").minusNanos(1)))
				.isZero();
			assertThat(Lifecycle.periodsBefore(BillingInterval.MONTH, anchor, at("2027-02-28T10:00:00Z"))).isOne();
			assertThat(Lifecycle.periodsBefore(BillingInterval.MONTH, anchor, at("2027-03-31T10:00:00Z").minusNanos(1)))
				.isOne();
			assertThat(Lifecycle.periodsBefore(BillingInterval.MONTH, anchor, at("2027-03-31T10:00:00Z"))).isEqualTo(2);
			assertThat(Lifecycle.periodsBefore(BillingInterval.YEAR, at("2028-02-29T12:00:00Z"),
					at("2029-02-28T12:00:00Z")))
				.isOne();
			assertThat(Lifecycle.periodsBefore(BillingInterval.YEAR, at("2028-02-29T12:00:00Z"),
					at("2029-02-28T12:00:00Z").minusNanos(1)))
				.isZero();
		}

		@Test
		void longDormantSubscriptionJumpsStraightToThePeriodHoldingNow() {
			// given: last read in January 2026, read again in July 2029
			var s = startOn(ENTERPRISE, false, at("2026-01-31T10:00:00Z"));

			// when
			var advanced = advance(s, at("2029-07-15T00:00:00Z"));

			// then
			var now = advanced.subscription();
			assertThat(now.currentPeriodStart()).isEqualTo(at("2029-06-30T10:00:00Z"));
			assertThat(now.currentPeriodEnd()).isEqualTo(at("2029-07-31T10:00:00Z"));
			assertThat(now.periodAnchor()).isEqualTo(at("2026-01-31T10:00:00Z"));
			assertThat(now.planKey()).isEqualTo("enterprise");
			assertThat(now.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(advanced.transitions()).isEmpty();
		}

		@Test
		void longDormantSubscriptionReadExactlyOnAFarBoundaryStartsThatPeriod() {
			// given
			var s = startOn(ENTERPRISE, false, at("2026-01-31T10:00:00Z"));

			// when
			var now = advance(s, at("2029-07-31T10:00:00Z")).subscription();

			// then
			assertThat(now.currentPeriodStart()).isEqualTo(at("2029-07-31T10:00:00Z"));
			assertThat(now.currentPeriodEnd()).isEqualTo(at("2029-08-31T10:00:00Z"));
		}

		@Test
		void longDormantYearlySubscriptionJumpsToTheRightYear() {
			// given
			var s = startOn(YEARLY, false, at("2028-02-29T12:00:00Z"));

			// when
			var now = advance(s, at("2035-01-01T00:00:00Z")).subscription();

			// then
			assertThat(now.currentPeriodStart()).isEqualTo(at("2034-02-28T12:00:00Z"));
			assertThat(now.currentPeriodEnd()).isEqualTo(at("2035-02-28T12:00:00Z"));
		}

	}

	@Nested
	class Trials {

		@Test
		void firstSubscriptionToAPlanWithTrialDaysStartsATrialThatIsTheFirstPeriod() {
			// given
			var now = at("2027-03-05T09:00:00Z");

			// when
			var s = startOn(PRO, true, now);

			// then
			assertThat(s.status()).isEqualTo(SubscriptionStatus.TRIALING);
			assertThat(s.trialEnd()).isEqualTo(at("2027-03-19T09:00:00Z"));
			assertThat(s.currentPeriodStart()).isEqualTo(now);
			assertThat(s.currentPeriodEnd()).isEqualTo(s.trialEnd());
			assertThat(s.cancelAtPeriodEnd()).isFalse();
		}

		@Test
		void noTrialStartsWhenNotAskedFor() {
			// when
			var s = startOn(PRO, false, at("2027-03-05T09:00:00Z"));

			// then
			assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(s.trialEnd()).isNull();
			assertThat(s.currentPeriodEnd()).isEqualTo(at("2027-04-05T09:00:00Z"));
		}

		@Test
		void noTrialStartsOnAPlanWithoutTrialDays() {
			// when
			var s = startOn(ENTERPRISE, true, at("2027-03-05T09:00:00Z"));

			// then
			assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(s.trialEnd()).isNull();
		}

		@Test
		void trialIsStillOnOneNanosecondBeforeItsEnd() {
			// given
			var s = startOn(PRO, true, at("2027-03-05T09:00:00Z"));

			// when
			var advanced = advance(s, s.trialEnd().minusNanos(1));

			// then
			assertThat(advanced.changed()).isFalse();
			assertThat(advanced.subscription().status()).isEqualTo(SubscriptionStatus.TRIALING);
		}

		@Test
		void trialEndsExactlyAtTrialEndAndBecomesActiveWithPeriodsAnchoredThere() {
			// given
			var s = startOn(PRO, true, at("2027-03-05T09:00:00Z"));
			var trialEnd = at("2027-03-19T09:00:00Z");

			// when
			var advanced = advance(s, trialEnd);

			// then
			var active = advanced.subscription();
			assertThat(active.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(active.planKey()).isEqualTo("pro");
			assertThat(active.periodAnchor()).isEqualTo(trialEnd);
			assertThat(active.currentPeriodStart()).isEqualTo(trialEnd);
			assertThat(active.currentPeriodEnd()).isEqualTo(at("2027-04-19T09:00:00Z"));
			assertThat(active.trialEnd()).as("the trial end stays known").isEqualTo(trialEnd);
			assertThat(active.startedAt()).isEqualTo(s.startedAt());
			assertThat(advanced.transitions()).extracting(Lifecycle.Transition::action).containsExactly("trial_ended");
			assertThat(advanced.transitions().get(0).fromPlan()).isEqualTo("pro");
		}

		@Test
		void trialEndedLongAgoBecomesActiveInThePeriodHoldingNowCountedFromTheTrialEnd() {
			// given
			var s = startOn(PRO, true, at("2027-01-17T09:00:00Z"));
			var trialEnd = at("2027-01-31T09:00:00Z");

			// when
			var advanced = advance(s, at("2027-04-15T00:00:00Z"));

			// then
			var active = advanced.subscription();
			assertThat(active.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(active.periodAnchor()).isEqualTo(trialEnd);
			assertThat(active.currentPeriodStart()).isEqualTo(at("2027-03-31T09:00:00Z"));
			assertThat(active.currentPeriodEnd()).isEqualTo(at("2027-04-30T09:00:00Z"));
			assertThat(advanced.transitions()).extracting(Lifecycle.Transition::action).containsExactly("trial_ended");
		}

		@Test
		void trialCanceledForItsEndReturnsToTheDefaultPlanAtTrialEndInsteadOfStartingAPaidPeriod() {
			// given: a trial whose cancellation is scheduled for the end of its period,
			// which is the trial's end
			var s = Lifecycle.scheduleCancel(startOn(PRO, true, at("2027-03-05T09:00:00Z")),
					at("2027-03-06T09:00:00Z"));
			var trialEnd = at("2027-03-19T09:00:00Z");

			// when
			var advanced = advance(s, trialEnd);

			// then
			var after = advanced.subscription();
			assertThat(after.planKey()).isEqualTo("free");
			assertThat(after.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(after.cancelAtPeriodEnd()).isFalse();
			assertThat(after.currentPeriodStart()).isEqualTo(trialEnd);
			assertThat(after.currentPeriodEnd()).isEqualTo(at("2027-04-19T09:00:00Z"));
			assertThat(advanced.transitions()).extracting(Lifecycle.Transition::action).contains("canceled");
		}

	}

	@Nested
	class Cancellation {

		@Test
		void cancellationAtPeriodEndKeepsThePlanUntilOneNanosecondBeforeTheBoundary() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var canceled = Lifecycle.scheduleCancel(s, at("2027-05-20T00:00:00Z"));

			// when
			var advanced = advance(canceled, at("2027-06-10T08:30:00Z").minusNanos(1));

			// then
			assertThat(advanced.changed()).isFalse();
			assertThat(advanced.subscription().planKey()).isEqualTo("enterprise");
			assertThat(advanced.subscription().cancelAtPeriodEnd()).isTrue();
			assertThat(advanced.subscription().canceledAt()).isEqualTo(at("2027-05-20T00:00:00Z"));
		}

		@Test
		void cancellationAtPeriodEndMovesToTheDefaultPlanExactlyAtTheBoundary() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var canceled = Lifecycle.scheduleCancel(s, at("2027-05-20T00:00:00Z"));
			var boundary = at("2027-06-10T08:30:00Z");

			// when
			var advanced = advance(canceled, boundary);

			// then
			var after = advanced.subscription();
			assertThat(after.planKey()).isEqualTo("free");
			assertThat(after.planVersion()).isEqualTo(FREE.version());
			assertThat(after.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(after.cancelAtPeriodEnd()).isFalse();
			assertThat(after.periodAnchor()).isEqualTo(boundary);
			assertThat(after.currentPeriodStart()).isEqualTo(boundary);
			assertThat(after.currentPeriodEnd()).isEqualTo(at("2027-07-10T08:30:00Z"));
			assertThat(after.id()).isEqualTo(s.id());
			assertThat(after.startedAt()).isEqualTo(s.startedAt());
			assertThat(advanced.transitions()).hasSize(1);
			var transition = advanced.transitions().get(0);
			assertThat(transition.action()).isEqualTo("canceled");
			assertThat(transition.fromPlan()).isEqualTo("enterprise");
			assertThat(transition.fromVersion()).isEqualTo(1);
		}

		@Test
		void cancellationDueLongAgoMovesToTheDefaultPlanAndRollsItsPeriodsFromTheBoundary() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var canceled = Lifecycle.scheduleCancel(s, at("2027-05-20T00:00:00Z"));

			// when
			var advanced = advance(canceled, at("2027-09-15T00:00:00Z"));

			// then
			var after = advanced.subscription();
			assertThat(after.planKey()).isEqualTo("free");
			assertThat(after.periodAnchor()).isEqualTo(at("2027-06-10T08:30:00Z"));
			assertThat(after.currentPeriodStart()).isEqualTo(at("2027-09-10T08:30:00Z"));
			assertThat(after.currentPeriodEnd()).isEqualTo(at("2027-10-10T08:30:00Z"));
			assertThat(advanced.transitions()).extracting(Lifecycle.Transition::action).containsExactly("canceled");
		}

		@Test
		void resumedSubscriptionRenewsOnItsPlan() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var resumed = Lifecycle.scheduleCancel(Lifecycle.scheduleCancel(s, at("2027-05-20T00:00:00Z")), null);

			// when
			var advanced = advance(resumed, at("2027-06-10T08:30:00Z"));

			// then
			assertThat(resumed.cancelAtPeriodEnd()).isFalse();
			assertThat(resumed.canceledAt()).isNull();
			assertThat(advanced.subscription().planKey()).isEqualTo("enterprise");
			assertThat(advanced.subscription().currentPeriodStart()).isEqualTo(at("2027-06-10T08:30:00Z"));
			assertThat(advanced.transitions()).isEmpty();
		}

		@Test
		void endedSubscriptionNoLongerMovesOnInTime() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var ended = Lifecycle.end(s, at("2027-05-12T00:00:00Z"));

			// when
			var advanced = advance(ended, at("2028-01-01T00:00:00Z"));

			// then
			assertThat(ended.status()).isEqualTo(SubscriptionStatus.CANCELED);
			assertThat(ended.endedAt()).isEqualTo(at("2027-05-12T00:00:00Z"));
			assertThat(ended.canceledAt()).isEqualTo(at("2027-05-12T00:00:00Z"));
			assertThat(advanced.changed()).isFalse();
			assertThat(advanced.subscription()).isEqualTo(ended);
		}

	}

	@Nested
	class PlanChanges {

		@Test
		void changeToAPlanWithTheSameIntervalKeepsThePeriod() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, PRO, false, at("2027-05-25T00:00:00Z"));

			// then
			assertThat(changed.planKey()).isEqualTo("pro");
			assertThat(changed.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(changed.periodAnchor()).isEqualTo(s.periodAnchor());
			assertThat(changed.currentPeriodStart()).isEqualTo(at("2027-05-10T08:30:00Z"));
			assertThat(changed.currentPeriodEnd()).isEqualTo(at("2027-06-10T08:30:00Z"));
			assertThat(changed.startedAt()).isEqualTo(s.startedAt());
			assertThat(changed.id()).isEqualTo(s.id());
		}

		@Test
		void changeThatKeepsThePeriodTakesBackAScheduledCancellation() {
			// given
			var s = Lifecycle.scheduleCancel(startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z")),
					at("2027-05-20T00:00:00Z"));

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, PRO, false, at("2027-05-25T00:00:00Z"));

			// then
			assertThat(changed.cancelAtPeriodEnd()).isFalse();
			assertThat(changed.canceledAt()).isNull();
		}

		@Test
		void changeThatStartsATrialReanchorsThePeriodsAtTheChange() {
			// given
			var s = startOn(FREE, false, at("2027-05-10T08:30:00Z"));
			var now = at("2027-05-25T00:00:00Z");

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, PRO, true, now);

			// then
			assertThat(changed.status()).isEqualTo(SubscriptionStatus.TRIALING);
			assertThat(changed.periodAnchor()).isEqualTo(now);
			assertThat(changed.currentPeriodStart()).isEqualTo(now);
			assertThat(changed.trialEnd()).isEqualTo(now.plus(Duration.ofDays(14)));
			assertThat(changed.currentPeriodEnd()).isEqualTo(changed.trialEnd());
			assertThat(changed.startedAt()).isEqualTo(s.startedAt());
		}

		@Test
		void changeAllowedATrialToAPlanWithoutTrialDaysKeepsThePeriodBecauseNoTrialStarts() {
			// given: the customer never tried enterprise, but enterprise has no trial
			var s = startOn(FREE, false, at("2027-05-10T08:30:00Z"));

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, ENTERPRISE, true, at("2027-05-25T00:00:00Z"));

			// then
			assertThat(changed.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(changed.trialEnd()).isNull();
			assertThat(changed.periodAnchor()).isEqualTo(s.periodAnchor());
			assertThat(changed.currentPeriodStart()).isEqualTo(at("2027-05-10T08:30:00Z"));
			assertThat(changed.currentPeriodEnd()).isEqualTo(at("2027-06-10T08:30:00Z"));
		}

		@Test
		void changeToAnotherIntervalReanchorsThePeriodsAtTheChange() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var now = at("2027-05-25T00:00:00Z");

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, YEARLY, false, now);

			// then
			assertThat(changed.planKey()).isEqualTo("yearly");
			assertThat(changed.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(changed.periodAnchor()).isEqualTo(now);
			assertThat(changed.currentPeriodStart()).isEqualTo(now);
			assertThat(changed.currentPeriodEnd()).isEqualTo(at("2028-05-25T00:00:00Z"));
		}

		@Test
		void changeDuringATrialToAPlanWithoutTrialEndsTheTrialAndStartsAPaidPeriodAtTheChange() {
			// given
			var s = startOn(PRO, true, at("2027-05-10T08:30:00Z"));
			var now = at("2027-05-15T00:00:00Z");

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, ENTERPRISE, false, now);

			// then
			assertThat(changed.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(changed.planKey()).isEqualTo("enterprise");
			assertThat(changed.currentPeriodStart()).isEqualTo(now);
			assertThat(changed.currentPeriodEnd()).isEqualTo(at("2027-06-15T00:00:00Z"));
		}

		@Test
		void changeToANewerVersionOfTheSamePlanKeepsThePeriod() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-05-10T08:30:00Z"));
			var version2 = plan("enterprise", 2, BillingInterval.MONTH, 0, false);

			// when
			var changed = Lifecycle.change(s, BillingInterval.MONTH, version2, false, at("2027-05-25T00:00:00Z"));

			// then
			assertThat(changed.planVersion()).isEqualTo(2);
			assertThat(changed.currentPeriodStart()).isEqualTo(s.currentPeriodStart());
			assertThat(changed.currentPeriodEnd()).isEqualTo(s.currentPeriodEnd());
		}

	}

	@Nested
	class ScheduledChanges {

		@Test
		void aChangeScheduledForThePeriodEndTakesEffectAtItKeepingTheAnchor() {
			// given: enterprise from January 31st, a move to pro asked on February 10th
			var s = startOn(ENTERPRISE, false, at("2027-01-31T10:00:00Z"));
			var scheduled = Lifecycle.schedule(s, PRO, false, at("2027-02-10T00:00:00Z"));

			// when: one second before the end, then at it
			var before = advance(scheduled, at("2027-02-28T09:59:59Z"));
			var after = advance(scheduled, at("2027-02-28T10:00:00Z"));

			// then
			assertThat(before.changed()).isFalse();
			assertThat(after.subscription().planKey()).isEqualTo("pro");
			assertThat(after.subscription().status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(after.subscription().pending()).isNull();
			assertThat(after.subscription().currentPeriodStart()).isEqualTo(at("2027-02-28T10:00:00Z"));
			assertThat(after.subscription().currentPeriodEnd()).isEqualTo(at("2027-03-31T10:00:00Z"));
			assertThat(after.transitions()).extracting(Lifecycle.Transition::action)
				.containsExactly("scheduled_change_applied");
			assertThat(after.transitions().get(0).fromPlan()).isEqualTo("enterprise");
		}

		@Test
		void aChangeToAnotherIntervalCountsPeriodsFromTheBoundary() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-01-31T10:00:00Z"));
			var scheduled = Lifecycle.schedule(s, YEARLY, false, at("2027-02-01T00:00:00Z"));

			// when
			var after = advance(scheduled, at("2027-03-01T00:00:00Z")).subscription();

			// then
			assertThat(after.planKey()).isEqualTo("yearly");
			assertThat(after.periodAnchor()).isEqualTo(at("2027-02-28T10:00:00Z"));
			assertThat(after.currentPeriodEnd()).isEqualTo(at("2028-02-28T10:00:00Z"));
		}

		@Test
		void aChangeDueLongAgoTakesEffectAtTheFirstBoundaryAndTheNewPlanRenewsAfter() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-01-15T00:00:00Z"));
			var scheduled = Lifecycle.schedule(s, PRO, false, at("2027-01-20T00:00:00Z"));

			// when: read three months later
			var after = advance(scheduled, at("2027-04-20T00:00:00Z"));

			// then
			assertThat(after.subscription().planKey()).isEqualTo("pro");
			assertThat(after.subscription().currentPeriodStart()).isEqualTo(at("2027-04-15T00:00:00Z"));
			assertThat(after.transitions()).hasSize(1);
			assertThat(after.transitions().get(0).after().currentPeriodStart()).isEqualTo(at("2027-02-15T00:00:00Z"));
		}

		@Test
		void aChangeThatMayNoLongerHappenIsDroppedAndThePlanRenews() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-01-15T00:00:00Z"));
			var scheduled = Lifecycle.schedule(s, PRO, false, at("2027-01-20T00:00:00Z"));

			// when
			var after = Lifecycle.advance(scheduled, at("2027-02-16T00:00:00Z"), INTERVAL_OF, () -> FREE, due -> null,
					SUSPEND);

			// then
			assertThat(after.subscription().planKey()).isEqualTo("enterprise");
			assertThat(after.subscription().pending()).isNull();
			assertThat(after.subscription().currentPeriodStart()).isEqualTo(at("2027-02-15T00:00:00Z"));
			assertThat(after.transitions()).extracting(Lifecycle.Transition::action)
				.containsExactly("scheduled_change_dropped");
		}

		@Test
		void aCancellationReplacesAScheduledChangeAndAChangeNowClearsIt() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-01-15T00:00:00Z"));
			var scheduled = Lifecycle.schedule(s, PRO, false, at("2027-01-20T00:00:00Z"));

			// when
			var canceled = Lifecycle.scheduleCancel(scheduled, at("2027-01-21T00:00:00Z"));
			var changed = Lifecycle.change(scheduled, BillingInterval.MONTH, YEARLY, false, at("2027-01-21T00:00:00Z"));

			// then
			assertThat(canceled.pending()).isNull();
			assertThat(advance(canceled, at("2027-02-15T00:00:00Z")).subscription().planKey()).isEqualTo("free");
			assertThat(changed.pending()).isNull();
			assertThat(changed.planKey()).isEqualTo("yearly");
		}

		@Test
		void schedulingAChangeTakesBackAScheduledCancellation() {
			// given
			var s = startOn(ENTERPRISE, false, at("2027-01-15T00:00:00Z"));
			var canceled = Lifecycle.scheduleCancel(s, at("2027-01-16T00:00:00Z"));

			// when
			var scheduled = Lifecycle.schedule(canceled, PRO, false, at("2027-01-20T00:00:00Z"));

			// then
			assertThat(scheduled.cancelAtPeriodEnd()).isFalse();
			assertThat(scheduled.canceledAt()).isNull();
			assertThat(advance(scheduled, at("2027-02-15T00:00:00Z")).subscription().planKey()).isEqualTo("pro");
		}

	}

	@Nested
	class Dunning {

		private Subscription pastDue(Instant since) {
			var s = startOn(ENTERPRISE, false, at("2027-01-10T00:00:00Z"));
			return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), SubscriptionStatus.PAST_DUE,
					s.startedAt(), s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), null, false, null,
					null, null, since);
		}

		@Test
		void aPastDueSubscriptionKeepsItsPlanThroughTheGraceThenBecomesUnpaid() {
			// given: past due since January 12th, 14 days of grace
			var s = pastDue(at("2027-01-12T00:00:00Z"));

			// when
			var during = advance(s, at("2027-01-25T23:59:59Z"));
			var after = advance(s, at("2027-01-26T00:00:00Z"));

			// then
			assertThat(during.changed()).isFalse();
			assertThat(after.subscription().status()).isEqualTo(SubscriptionStatus.UNPAID);
			assertThat(after.subscription().planKey()).isEqualTo("enterprise");
			assertThat(after.subscription().pastDueSince()).isEqualTo(at("2027-01-12T00:00:00Z"));
			assertThat(after.transitions()).extracting(Lifecycle.Transition::action).containsExactly("grace_ended");
		}

		@Test
		void aGraceThatOutlastsThePeriodEndsAfterTheRenewal() {
			// given: past due since February 5th; the period ends February 10th
			var s = pastDue(at("2027-02-05T00:00:00Z"));

			// when
			var renewed = advance(s, at("2027-02-12T00:00:00Z"));
			var ended = advance(s, at("2027-02-19T00:00:00Z"));

			// then
			assertThat(renewed.subscription().status()).isEqualTo(SubscriptionStatus.PAST_DUE);
			assertThat(renewed.subscription().currentPeriodStart()).isEqualTo(at("2027-02-10T00:00:00Z"));
			assertThat(ended.subscription().status()).isEqualTo(SubscriptionStatus.UNPAID);
			assertThat(ended.subscription().currentPeriodStart()).isEqualTo(at("2027-02-10T00:00:00Z"));
		}

		@Test
		void withTheDefaultPlanOutcomeTheCustomerMovesToItWhenTheGraceEnds() {
			// given
			var s = pastDue(at("2027-01-12T00:00:00Z"));

			// when
			var after = Lifecycle.advance(s, at("2027-02-01T00:00:00Z"), INTERVAL_OF, () -> FREE, due -> null,
					TO_DEFAULT_PLAN);

			// then
			var moved = after.subscription();
			assertThat(moved.planKey()).isEqualTo("free");
			assertThat(moved.status()).isEqualTo(SubscriptionStatus.ACTIVE);
			assertThat(moved.currentPeriodStart()).isEqualTo(at("2027-01-26T00:00:00Z"));
			assertThat(moved.pastDueSince()).isNull();
			assertThat(after.transitions()).extracting(Lifecycle.Transition::action).containsExactly("grace_ended");
		}

		@Test
		void anUnpaidSubscriptionStaysAsItIs() {
			// given
			var unpaid = Lifecycle.unpaid(pastDue(at("2027-01-12T00:00:00Z")));

			// then
			assertThat(advance(unpaid, at("2028-01-01T00:00:00Z")).changed()).isFalse();
		}

	}

}

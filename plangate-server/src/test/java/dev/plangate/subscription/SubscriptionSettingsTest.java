package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The subscription settings refuse what they cannot mean, naming the variable. */
class SubscriptionSettingsTest {

	private static final Duration GRACE = Duration.ofDays(14);

	@Test
	void anUnknownScheduledChangeOutcomeNamesItsVariable() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubscriptionSettings("cancel", GRACE, "suspend", Duration.ofSeconds(5),
					Duration.ofSeconds(1), Duration.ofDays(7)))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_SCHEDULED_CHANGE_OVER_LIMITS");
		assertThat(new SubscriptionSettings(" KEEP ", GRACE, "suspend", Duration.ofSeconds(5), Duration.ofSeconds(1),
				Duration.ofDays(7))
			.keepOverLimits()).isTrue();
		assertThat(new SubscriptionSettings("apply", GRACE, "suspend", Duration.ofSeconds(5), Duration.ofSeconds(1),
				Duration.ofDays(7))
			.keepOverLimits()).isFalse();
	}

	@Test
	void theGraceIsZeroToAYearAndTheOutcomeSuspendOrTheDefaultPlan() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubscriptionSettings("apply", Duration.ofDays(-1), "suspend", Duration.ofSeconds(5),
					Duration.ofSeconds(1), Duration.ofDays(7)))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_PAST_DUE_GRACE");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubscriptionSettings("apply", Duration.ofDays(366), "suspend", Duration.ofSeconds(5),
					Duration.ofSeconds(1), Duration.ofDays(7)))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_PAST_DUE_GRACE");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubscriptionSettings("apply", GRACE, "cancel", Duration.ofSeconds(5),
					Duration.ofSeconds(1), Duration.ofDays(7)))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_PAST_DUE_OUTCOME");
		assertThat(new SubscriptionSettings("apply", Duration.ZERO, "DEFAULT_PLAN", Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ofDays(7))
			.dunning()).isEqualTo(new Lifecycle.Dunning(Duration.ZERO, true));
		assertThat(new SubscriptionSettings("apply", GRACE, "suspend", Duration.ofSeconds(5), Duration.ofSeconds(1),
				Duration.ofDays(7))
			.dunning()
			.toDefaultPlan()).isFalse();
	}

}

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
		assertThatIllegalArgumentException().isThrownBy(() -> new SubscriptionSettings("cancel", GRACE, "suspend"))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_SCHEDULED_CHANGE_OVER_LIMITS");
		assertThat(new SubscriptionSettings(" KEEP ", GRACE, "suspend").keepOverLimits()).isTrue();
		assertThat(new SubscriptionSettings("apply", GRACE, "suspend").keepOverLimits()).isFalse();
	}

	@Test
	void theGraceIsZeroToAYearAndTheOutcomeSuspendOrTheDefaultPlan() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubscriptionSettings("apply", Duration.ofDays(-1), "suspend"))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_PAST_DUE_GRACE");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SubscriptionSettings("apply", Duration.ofDays(366), "suspend"))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_PAST_DUE_GRACE");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubscriptionSettings("apply", GRACE, "cancel"))
			.withMessageContaining("PLANGATE_SUBSCRIPTIONS_PAST_DUE_OUTCOME");
		assertThat(new SubscriptionSettings("apply", Duration.ZERO, "DEFAULT_PLAN").dunning())
			.isEqualTo(new Lifecycle.Dunning(Duration.ZERO, true));
		assertThat(new SubscriptionSettings("apply", GRACE, "suspend").dunning().toDefaultPlan()).isFalse();
	}

}

package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Which catalog type a recorded subscription change is: named by what happened to the
 * subscription, whoever made it happen.
 */
class SubscriptionAnnouncementTest {

	private static final Instant START = Instant.parse("2027-01-01T00:00:00Z");

	private static final Instant END = Instant.parse("2027-02-01T00:00:00Z");

	private static Subscription on(String plan, int version, SubscriptionStatus status, boolean cancelAtPeriodEnd,
			Subscription.@Nullable PendingChange pending) {
		return new Subscription(UUID.fromString("00000000-0000-0000-0000-000000000001"), "c", plan, version, status,
				START, START, START, END, null, cancelAtPeriodEnd, null, null, pending, null);
	}

	private static Subscription active(String plan) {
		return on(plan, 1, SubscriptionStatus.ACTIVE, false, null);
	}

	@Test
	void theHistorysOwnActionsNameTheirType() {
		var pro = active("pro");
		assertThat(SubscriptionAnnouncement.type(null, active("free"), "created")).isEqualTo("subscription.created");
		assertThat(SubscriptionAnnouncement.type(pro, active("free"), "canceled")).isEqualTo("subscription.cancelled");
		assertThat(SubscriptionAnnouncement.type(pro, on("pro", 1, SubscriptionStatus.CANCELED, false, null), "ended"))
			.isEqualTo("subscription.cancelled");
		assertThat(SubscriptionAnnouncement.type(pro, pro, "scheduled_change_dropped"))
			.isEqualTo("subscription.scheduled_change_cancelled");
		assertThat(SubscriptionAnnouncement.type(pro, on("pro", 1, SubscriptionStatus.ACTIVE, true, null),
				"cancel_scheduled"))
			.isEqualTo("subscription.cancel_scheduled");
	}

	@Test
	void aChangeOfPlanOrVersionIsChangedWhoeverMadeIt() {
		var pro = active("pro");
		for (var action : new String[] { "plan_changed", "migrated", "scheduled_change_applied", "grace_ended",
				"synced" }) {
			assertThat(SubscriptionAnnouncement.type(pro, active("enterprise"), action)).as(action)
				.isEqualTo("subscription.changed");
		}
		assertThat(SubscriptionAnnouncement.type(pro, on("pro", 2, SubscriptionStatus.ACTIVE, false, null), "migrated"))
			.isEqualTo("subscription.changed");
	}

	@Test
	void aChangeOfStatusIsNamedByTheNewStatus() {
		var pro = active("pro");
		var pastDue = on("pro", 1, SubscriptionStatus.PAST_DUE, false, null);
		var unpaid = on("pro", 1, SubscriptionStatus.UNPAID, false, null);
		assertThat(SubscriptionAnnouncement.type(pro, pastDue, "status_changed")).isEqualTo("subscription.past_due");
		assertThat(SubscriptionAnnouncement.type(pastDue, unpaid, "grace_ended")).isEqualTo("subscription.unpaid");
		assertThat(SubscriptionAnnouncement.type(unpaid, pro, "status_changed"))
			.isEqualTo("subscription.status_changed");
		assertThat(SubscriptionAnnouncement.type(on("pro", 1, SubscriptionStatus.TRIALING, false, null), pro,
				"trial_ended"))
			.isEqualTo("subscription.status_changed");
	}

	@Test
	void whatThePaymentProviderChangedOtherwiseIsNamedByWhatChanged() {
		var pro = active("pro");
		var canceling = on("pro", 1, SubscriptionStatus.ACTIVE, true, null);
		var pending = on("pro", 1, SubscriptionStatus.ACTIVE, false,
				new Subscription.PendingChange("free", 1, START, false));
		assertThat(SubscriptionAnnouncement.type(pro, canceling, "synced")).isEqualTo("subscription.cancel_scheduled");
		assertThat(SubscriptionAnnouncement.type(canceling, pro, "synced")).isEqualTo("subscription.resumed");
		assertThat(SubscriptionAnnouncement.type(pending, pro, "synced"))
			.isEqualTo("subscription.scheduled_change_cancelled");
		assertThat(SubscriptionAnnouncement.type(pro, pro, "synced")).isEqualTo("subscription.updated");
	}

}

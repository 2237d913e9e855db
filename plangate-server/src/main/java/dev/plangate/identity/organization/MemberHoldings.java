package dev.plangate.identity.organization;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.plangate.catalog.EntitlementView;
import dev.plangate.subscription.Holdings;

/**
 * An organization's members and pending invitations, against the member limit of a plan
 * it would move to.
 */
@Component
class MemberHoldings implements Holdings {

	private final OrganizationRepository repository;

	private final String memberFeature;

	private final Clock clock;

	MemberHoldings(OrganizationRepository repository, Clock clock, OrganizationSettings settings) {
		this.repository = repository;
		this.memberFeature = settings.memberFeature();
		this.clock = clock;
	}

	@Override
	public List<Violation> exceeding(String customerId, Map<String, EntitlementView> entitlements) {
		var entitlement = entitlements.get(memberFeature);
		var limit = entitlement == null ? null : Holdings.limitOf(entitlement);
		if (limit == null) {
			return List.of();
		}
		long held = repository.countMembers(customerId)
				+ repository.countPendingInvitations(customerId, clock.instant());
		return held > limit ? List.of(new Violation(memberFeature, held, limit)) : List.of();
	}

}

package dev.plangate.identity.organization;

import static dev.plangate.identity.organization.OrganizationCalls.accept;
import static dev.plangate.identity.organization.OrganizationCalls.details;
import static dev.plangate.identity.organization.OrganizationCalls.invitationToken;
import static dev.plangate.identity.organization.OrganizationCalls.invite;
import static dev.plangate.identity.organization.OrganizationCalls.organization;
import static dev.plangate.identity.organization.OrganizationCalls.person;
import static dev.plangate.identity.organization.OrganizationCalls.planWithSeats;
import static dev.plangate.identity.organization.OrganizationCalls.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/** Parallel invitations and accepts never take more seats than the plan has. */
class OrganizationRaceTest extends ServerTest {

	@Test
	void parallelInvitationsNeverExceedTheMemberLimit() throws Exception {
		// given: a plan for three; the owner takes one seat
		var owner = person(anonymous, "race-owner");
		var org = organization(owner, "Race");
		subscribe(api, org, planWithSeats(api, uniqueKey("race"), 3));

		// when: eight invitations at once
		var answers = Race.times(8,
				() -> invite(owner, org, TestMail.uniqueAddress("race-invitee"), "member").status());

		// then: exactly two fit
		assertThat(answers).filteredOn(status -> status == 201).hasSize(2);
		assertThat(answers).filteredOn(status -> status == 402).hasSize(6);
		var seen = details(owner, org);
		assertThat(seen.path("invitations")).hasSize(2);
		assertThat(seen.path("memberLimit").path("used").asLong()).isEqualTo(3);
	}

	@Test
	void parallelAcceptsAndInvitationsNeverExceedTheMemberLimit() throws Exception {
		// given: a plan for three, two invitations pending
		var owner = person(anonymous, "race2-owner");
		var first = person(anonymous, "race2-first");
		var second = person(anonymous, "race2-second");
		var org = organization(owner, "Race 2");
		subscribe(api, org, planWithSeats(api, uniqueKey("race2"), 3));
		assertThat(invite(owner, org, first.email(), "member").status()).isEqualTo(201);
		assertThat(invite(owner, org, second.email(), "member").status()).isEqualTo(201);
		var firstToken = invitationToken(first.email());
		var secondToken = invitationToken(second.email());

		// when: each accepts three times while five more invitations go out
		var tasks = new ArrayList<Callable<String>>();
		for (int i = 0; i < 3; i++) {
			tasks.add(() -> "first:" + accept(first, firstToken).status());
			tasks.add(() -> "second:" + accept(second, secondToken).status());
		}
		for (int i = 0; i < 5; i++) {
			tasks.add(() -> "invite:" + invite(owner, org, TestMail.uniqueAddress("race2-more"), "member").status());
		}
		var answers = Race.run(tasks);

		// then: each joined once, no invitation fit, three seats taken
		assertThat(answers).filteredOn("first:200"::equals).hasSize(1);
		assertThat(answers).filteredOn("second:200"::equals).hasSize(1);
		assertThat(answers).filteredOn(a -> a.startsWith("first:4") || a.startsWith("second:4")).hasSize(4);
		assertThat(answers).filteredOn(a -> a.startsWith("invite:")).containsOnly("invite:402");
		var seen = details(owner, org);
		assertThat(seen.path("members")).hasSize(3);
		assertThat(seen.path("invitations")).isEmpty();
		assertThat(seen.path("memberLimit").path("used").asLong()).isEqualTo(3);
	}

	@Test
	void twoOwnersLeavingAtOnceLeaveOneOwner() throws Exception {
		// given
		var owner = person(anonymous, "race3-owner");
		var other = person(anonymous, "race3-other");
		var org = organization(owner, "Race 3");
		subscribe(api, org, planWithSeats(api, uniqueKey("race3"), 3));
		OrganizationCalls.join(owner, org, other, "owner");
		List<Callable<Integer>> leaving = List.of(
				() -> owner.api().post("/v1/me/organizations/" + org + "/leave", null).status(),
				() -> other.api().post("/v1/me/organizations/" + org + "/leave", null).status());

		// when
		var answers = Race.run(leaving);

		// then
		assertThat(answers).containsExactlyInAnyOrder(204, 409);
		var stayed = owner.api().get("/v1/me/organizations/" + org).status() == 200 ? owner : other;
		var members = details(stayed, org).path("members");
		assertThat(members).hasSize(1);
		assertThat(members.get(0).path("role").asString()).isEqualTo("owner");
	}

}

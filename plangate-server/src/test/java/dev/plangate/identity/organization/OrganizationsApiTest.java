package dev.plangate.identity.organization;

import static dev.plangate.identity.organization.OrganizationCalls.accept;
import static dev.plangate.identity.organization.OrganizationCalls.actingFor;
import static dev.plangate.identity.organization.OrganizationCalls.awaitMail;
import static dev.plangate.identity.organization.OrganizationCalls.details;
import static dev.plangate.identity.organization.OrganizationCalls.invitationToken;
import static dev.plangate.identity.organization.OrganizationCalls.invite;
import static dev.plangate.identity.organization.OrganizationCalls.join;
import static dev.plangate.identity.organization.OrganizationCalls.organization;
import static dev.plangate.identity.organization.OrganizationCalls.person;
import static dev.plangate.identity.organization.OrganizationCalls.planWithSeats;
import static dev.plangate.identity.organization.OrganizationCalls.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.platform.Timestamps;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

class OrganizationsApiTest extends ServerTest {

	@Autowired
	JdbcClient jdbc;

	@Test
	void invitationArrivesAsTextAndHtmlWithTheOrganizationNameEscapedInTheHtmlOnly() {
		// given
		var owner = person(anonymous, "markup-owner");
		var invitee = TestMail.uniqueAddress("markup-invitee");
		var org = organization(owner, "<b>Bold</b> & Co");
		subscribe(api, org, planWithSeats(api, uniqueKey("markup"), 3));

		// when
		assertThat(invite(owner, org, invitee, "admin").status()).isEqualTo(201);
		var mail = awaitMail(invitee, "You are invited to join", 1);

		// then
		assertThat(mail.contentType()).startsWith("multipart/alternative");
		assertThat(mail.subject()).isEqualTo("You are invited to join <b>Bold</b> & Co");
		assertThat(mail.text()).contains(owner.email() + " invited you to join <b>Bold</b> & Co as an admin.");
		assertThat(mail.html()).contains("<title>You are invited to join &lt;b&gt;Bold&lt;/b&gt; &amp; Co</title>")
			.contains("join <b>&lt;b&gt;Bold&lt;/b&gt; &amp; Co</b> as an admin.")
			.contains("<a href=\"http://localhost:8080/accept-invitation?token=" + invitationToken(invitee) + "\">");
	}

	@Test
	void createInviteAcceptActForTheOrganizationChangeRoleAndRemove() {
		// given
		var owner = person(anonymous, "owner");
		var member = person(anonymous, "member");

		// when: the owner creates an organization
		var created = owner.api().post("/v1/me/organizations", Api.json(Map.of("name", "Acme Inc.")));

		// then: it is a customer of kind organization on the default plan
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var org = created.body().path("id").asString();
		assertThat(org).startsWith("org_");
		assertThat(created.body().path("role").asString()).isEqualTo("owner");
		assertThat(created.header("Location")).endsWith("/v1/me/organizations/" + org);
		var customer = api.get("/v1/customers/" + org).body();
		assertThat(customer.path("kind").asString()).isEqualTo("organization");
		assertThat(customer.path("name").asString()).isEqualTo("Acme Inc.");
		assertThat(api.get("/v1/customers/" + org + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("free");

		// when: on a plan for three, the owner invites a member, who accepts
		subscribe(api, org, planWithSeats(api, uniqueKey("team"), 3));
		var invited = invite(owner, org, member.email().toUpperCase(), "member");
		var mail = awaitMail(member.email(), "You are invited to join", 1);
		var pendingSeenByOwner = details(owner, org);
		var accepted = accept(member, invitationToken(member.email()));

		// then
		assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
		assertThat(invited.body().path("email").asString()).isEqualTo(member.email());
		assertThat(invited.body().path("role").asString()).isEqualTo("member");
		assertThat(mail.subject()).isEqualTo("You are invited to join Acme Inc.");
		assertThat(mail.text()).contains(owner.email()).contains("as a member");
		assertThat(pendingSeenByOwner.path("invitations").get(0).path("email").asString()).isEqualTo(member.email());
		assertThat(pendingSeenByOwner.path("memberLimit").path("limit").asLong()).isEqualTo(3);
		assertThat(pendingSeenByOwner.path("memberLimit").path("used").asLong()).isEqualTo(2);
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
		assertThat(accepted.body().path("role").asString()).isEqualTo("member");
		var seenByMember = details(member, org);
		assertThat(seenByMember.path("members")).hasSize(2);
		assertThat(seenByMember.path("invitations").isNull() || seenByMember.path("invitations").isMissingNode())
			.isTrue();
		assertThat(details(owner, org).path("invitations")).isEmpty();
		var mine = member.api().get("/v1/me/organizations").body().path("data");
		assertThat(mine).hasSize(1);
		assertThat(mine.get(0).path("id").asString()).isEqualTo(org);
		assertThat(mine.get(0).path("role").asString()).isEqualTo("member");

		// when: the member acts for the organization
		var tokenAnswer = member.api().post("/v1/me/organizations/" + org + "/token", null);
		var forOrg = anonymous.withKey(tokenAnswer.body().path("accessToken").asString());

		// then: its own views answer the organization's shared plan
		assertThat(tokenAnswer.status()).as(tokenAnswer.toString()).isEqualTo(200);
		assertThat(tokenAnswer.body().path("role").asString()).isEqualTo("member");
		var subscription = forOrg.get("/v1/me/subscription");
		assertThat(subscription.status()).as(subscription.toString()).isEqualTo(200);
		assertThat(subscription.body().path("customerId").asString()).isEqualTo(org);
		assertThat(forOrg.get("/v1/me/usage").status()).isEqualTo(200);
		assertThat(member.api().get("/v1/me/subscription").body().path("customerId").asString()).isNotEqualTo(org);

		// when: the owner makes the member an admin
		var changed = owner.api()
			.put("/v1/me/organizations/" + org + "/members/" + member.accountId(), Api.json(Map.of("role", "admin")));

		// then: the token naming the old role stops working, the account's own does not
		assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		assertThat(changed.body().path("role").asString()).isEqualTo("admin");
		assertThat(forOrg.get("/v1/me/subscription").status()).isEqualTo(401);
		assertThat(member.api().get("/v1/me/account").status()).isEqualTo(200);

		// when: the owner removes the member
		var asAdmin = actingFor(anonymous, member, org);
		var removed = owner.api().delete("/v1/me/organizations/" + org + "/members/" + member.accountId());

		// then
		assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
		assertThat(asAdmin.get("/v1/me/subscription").status()).isEqualTo(401);
		assertThat(member.api().get("/v1/me/organizations/" + org).code()).isEqualTo("organization_not_found");
		assertThat(member.api().get("/v1/me/organizations").body().path("data")).isEmpty();
		assertThat(awaitMail(member.email(), "You were removed from Acme Inc.", 1).text()).contains("Acme Inc.");
		assertThat(details(owner, org).path("members")).hasSize(1);
		assertThat(auditActions(org)).contains("organization.created", "organization.invitation_created",
				"organization.member_joined", "organization.member_role_changed", "organization.member_removed");
	}

	@Test
	void creatingNeedsAVerifiedAddressAndAValidName() {
		// given
		var email = TestMail.uniqueAddress("unverified");
		assertThat(AccountCalls.register(anonymous, email, AccountCalls.PASSWORD).status()).isEqualTo(202);
		var unverified = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var owner = person(anonymous, "names");
		record Case(String body, String code, String field) {
		}
		var cases = List.of(new Case("{\"name\":", "malformed_json", null), new Case("{}", "invalid_request", "name"),
				new Case("{\"name\":\"  \"}", "invalid_request", "name"),
				new Case("{\"name\":5}", "invalid_request", "name"),
				new Case("{\"name\":\"a\\nb\"}", "invalid_request", "name"),
				new Case("{\"name\":\"" + "x".repeat(201) + "\"}", "invalid_request", "name"));

		// when
		var refused = unverified.post("/v1/me/organizations", Api.json(Map.of("name", "Nope")));
		var answers = new ArrayList<Api.Response>();
		for (var c : cases) {
			answers.add(owner.api().post("/v1/me/organizations", c.body()));
		}

		// then
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("email_not_verified");
		assertThat(unverified.get("/v1/me/organizations").body().path("data")).isEmpty();
		for (int i = 0; i < cases.size(); i++) {
			var c = cases.get(i);
			var answer = answers.get(i);
			assertThat(answer.status()).as(c.body()).isEqualTo(400);
			assertThat(answer.code()).as(c.body()).isEqualTo(c.code());
			if (c.field() != null) {
				assertThat(answer.body().path("errors").get(0).path("field").asString()).as(c.body())
					.isEqualTo(c.field());
			}
		}
		assertThat(owner.api().get("/v1/me/organizations").body().path("data")).isEmpty();
	}

	@Test
	void organizationsOfOthersAreNotFound() {
		// given
		var owner = person(anonymous, "mine");
		var stranger = person(anonymous, "stranger");
		var org = organization(owner, "Private");
		var strangers = organization(stranger, "Other");
		var userCustomer = stranger.api().get("/v1/me/account").body().path("customerId").asString();
		var paths = List.of("/v1/me/organizations/" + org, "/v1/me/organizations/org_unknown",
				"/v1/me/organizations/" + userCustomer);

		// when / then
		for (var path : paths) {
			assertThat(stranger.api().get(path).code()).as(path).isEqualTo("organization_not_found");
			assertThat(stranger.api().get(path).status()).as(path).isEqualTo(404);
			assertThat(stranger.api().post(path + "/token", null).code()).as(path).isEqualTo("organization_not_found");
			assertThat(stranger.api().post(path + "/leave", null).code()).as(path).isEqualTo("organization_not_found");
			assertThat(invite(stranger, path.substring(path.lastIndexOf('/') + 1), "x@example.com", "member").code())
				.as(path)
				.isEqualTo("organization_not_found");
			assertThat(stranger.api().delete(path + "/members/" + owner.accountId()).code()).as(path)
				.isEqualTo("organization_not_found");
			assertThat(stranger.api().delete(path + "/invitations/" + UUID.randomUUID()).code()).as(path)
				.isEqualTo("organization_not_found");
		}
		assertThat(owner.api().get("/v1/me/organizations/" + strangers).status()).isEqualTo(404);
		assertThat(details(owner, org).path("members")).hasSize(1);
		assertThat(owner.api().get("/v1/me/organizations/" + org + "/members/" + stranger.accountId()).status())
			.isEqualTo(405);
		assertThat(owner.api().delete("/v1/me/organizations/" + org + "/members/" + stranger.accountId()).code())
			.isEqualTo("member_not_found");
		assertThat(owner.api().delete("/v1/me/organizations/" + org + "/invitations/" + UUID.randomUUID()).code())
			.isEqualTo("invitation_not_found");
		assertThat(owner.api().delete("/v1/me/organizations/" + org + "/invitations/not-a-uuid").status())
			.isEqualTo(400);
	}

	@Test
	void onlyAnAccountsTokenMayUseOrganizations() {
		// given
		var owner = person(anonymous, "creds");
		var org = organization(owner, "Creds");
		var customerToken = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", org)))
			.body()
			.path("token")
			.asString();

		// when
		var byCustomerToken = anonymous.withKey(customerToken).get("/v1/me/organizations");
		var byServerKey = api.get("/v1/me/organizations");
		var byNobody = anonymous.post("/v1/me/organizations", Api.json(Map.of("name", "x")));

		// then
		assertThat(byCustomerToken.status()).isEqualTo(403);
		assertThat(byCustomerToken.code()).isEqualTo("forbidden");
		assertThat(byServerKey.status()).isEqualTo(403);
		assertThat(byNobody.status()).isEqualTo(401);
		assertThat(byNobody.code()).isEqualTo("unauthenticated");
	}

	@Test
	void rolesLimitWhatMembersMayDo() {
		// given: an owner, an admin and a member on a plan for ten
		var owner = person(anonymous, "r-owner");
		var admin = person(anonymous, "r-admin");
		var member = person(anonymous, "r-member");
		var org = organization(owner, "Roles");
		subscribe(api, org, planWithSeats(api, uniqueKey("roles"), 10));
		join(owner, org, admin, "admin");
		join(owner, org, member, "member");
		var base = "/v1/me/organizations/" + org;

		// when / then: a member manages nothing
		assertForbidden(invite(member, org, "someone@example.com", "member"));
		assertForbidden(member.api().delete(base + "/members/" + admin.accountId()));
		assertForbidden(member.api().put(base + "/members/" + admin.accountId(), Api.json(Map.of("role", "member"))));
		assertThat(details(member, org).path("invitations").isArray()).isFalse();

		// an admin invites and removes below owner, but neither invites nor removes
		// owners, nor changes roles
		assertForbidden(invite(admin, org, "boss@example.com", "owner"));
		assertForbidden(admin.api().delete(base + "/members/" + owner.accountId()));
		assertForbidden(admin.api().put(base + "/members/" + member.accountId(), Api.json(Map.of("role", "admin"))));
		var byAdmin = invite(admin, org, TestMail.uniqueAddress("by-admin"), "member");
		assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(201);
		var revoked = admin.api().delete(base + "/invitations/" + byAdmin.body().path("id").asString());
		assertThat(revoked.status()).isEqualTo(204);
		assertThat(admin.api().delete(base + "/invitations/" + byAdmin.body().path("id").asString()).code())
			.isEqualTo("invitation_not_found");

		// nothing changed by the refusals
		var members = details(owner, org).path("members");
		assertThat(members).hasSize(3);
		assertThat(roleOf(members, owner.accountId())).isEqualTo("owner");
		assertThat(roleOf(members, admin.accountId())).isEqualTo("admin");
		assertThat(roleOf(members, member.accountId())).isEqualTo("member");
		assertThat(details(owner, org).path("invitations")).isEmpty();

		// an admin removes a member
		assertThat(admin.api().delete(base + "/members/" + member.accountId()).status()).isEqualTo(204);
		assertThat(details(owner, org).path("members")).hasSize(2);
	}

	@Test
	void invitationsRefuseBadInput() {
		// given
		var owner = person(anonymous, "inv-bad");
		var org = organization(owner, "Bad input");
		var path = "/v1/me/organizations/" + org + "/invitations";
		record Case(String body, String code, String field) {
		}
		var cases = List.of(new Case("{\"email\":", "malformed_json", null),
				new Case("{\"role\":\"member\"}", "invalid_request", "email"),
				new Case("{\"email\":\"a@example.com\"}", "invalid_request", "role"),
				new Case("{\"email\":\"a@example.com\",\"role\":\"boss\"}", "invalid_request", "role"),
				new Case("{\"email\":\"a@example.com\",\"role\":5}", "invalid_request", "role"),
				new Case("{\"email\":[\"a@example.com\"],\"role\":\"member\"}", "invalid_request", "email"),
				new Case("{\"email\":\"not an address\",\"role\":\"member\"}", "invalid_request", "email"));

		// when / then
		for (var c : cases) {
			var answer = owner.api().post(path, c.body());
			assertThat(answer.status()).as(c.body() + " → " + answer).isEqualTo(400);
			assertThat(answer.code()).as(c.body()).isEqualTo(c.code());
			if (c.field() != null) {
				assertThat(answer.body().path("errors").get(0).path("field").asString()).as(c.body())
					.isEqualTo(c.field());
			}
		}
		assertThat(owner.api().post("/v1/me/invitations/accept", "{}").code()).isEqualTo("invalid_request");
		assertThat(owner.api().post("/v1/me/invitations/accept", "{\"token\":").code()).isEqualTo("malformed_json");
		assertThat(owner.api().post("/v1/me/invitations/accept", "{\"token\":7}").code()).isEqualTo("invalid_request");
		assertThat(owner.api()
			.put("/v1/me/organizations/" + org + "/members/" + owner.accountId(), "{\"role\":\"king\"}")
			.code()).isEqualTo("invalid_request");
		assertThat(details(owner, org).path("invitations")).isEmpty();
		assertThat(auditActions(org)).containsOnly("organization.created");
	}

	@Test
	void anInvitationIsForItsAddressOnlyAndWorksOnce() {
		// given
		var owner = person(anonymous, "once-owner");
		var invitee = person(anonymous, "once-invitee");
		var other = person(anonymous, "once-other");
		var org = organization(owner, "Once");
		subscribe(api, org, planWithSeats(api, uniqueKey("once"), 5));
		assertThat(invite(owner, org, invitee.email(), "member").status()).isEqualTo(201);
		var token = invitationToken(invitee.email());

		// when: another account presents it
		var byOther = accept(other, token);

		// then: refused, and the invitation still works for its address
		assertThat(byOther.status()).isEqualTo(403);
		assertThat(byOther.code()).isEqualTo("invitation_email_mismatch");
		assertThat(other.api().get("/v1/me/organizations").body().path("data")).isEmpty();
		assertThat(accept(invitee, token).status()).isEqualTo(200);

		// when: it is presented again, or a made-up one
		var again = accept(invitee, token);
		var madeUp = accept(invitee, "x".repeat(43));

		// then
		assertThat(again.status()).isEqualTo(400);
		assertThat(again.code()).isEqualTo("invalid_invitation");
		assertThat(madeUp.code()).isEqualTo("invalid_invitation");
		assertThat(details(owner, org).path("members")).hasSize(2);

		// when: invited again, though a member
		var memberAgain = invite(owner, org, invitee.email(), "admin");

		// then
		assertThat(memberAgain.status()).isEqualTo(409);
		assertThat(memberAgain.code()).isEqualTo("already_member");
	}

	@Test
	void expiredAndRevokedInvitationsCannotBeAccepted() {
		// given
		var owner = person(anonymous, "exp-owner");
		var late = person(anonymous, "exp-late");
		var revokedOne = person(anonymous, "exp-revoked");
		var org = organization(owner, "Expiry");
		subscribe(api, org, planWithSeats(api, uniqueKey("exp"), 5));
		var expiring = invite(owner, org, late.email(), "member");
		var lateToken = invitationToken(late.email());
		var toRevoke = invite(owner, org, revokedOne.email(), "member");
		var revokedToken = invitationToken(revokedOne.email());
		// a week cannot pass in a test: the invitation's expiry is moved into the past
		jdbc.sql("update invitation set expires_at = :past where id = :id")
			.param("past", Timestamps.sql(Instant.now().minusSeconds(1)))
			.param("id", UUID.fromString(expiring.body().path("id").asString()))
			.update();
		owner.api().delete("/v1/me/organizations/" + org + "/invitations/" + toRevoke.body().path("id").asString());

		// when
		var afterExpiry = accept(late, lateToken);
		var afterRevocation = accept(revokedOne, revokedToken);

		// then
		assertThat(afterExpiry.status()).isEqualTo(400);
		assertThat(afterExpiry.code()).isEqualTo("invalid_invitation");
		assertThat(afterRevocation.code()).isEqualTo("invalid_invitation");
		var seen = details(owner, org);
		assertThat(seen.path("members")).hasSize(1);
		assertThat(seen.path("invitations")).isEmpty();
		assertThat(seen.path("memberLimit").path("used").asLong()).isEqualTo(1);
	}

	@Test
	void theLastOwnerCannotLeaveNorBeDemoted() {
		// given
		var owner = person(anonymous, "last-owner");
		var second = person(anonymous, "last-second");
		var org = organization(owner, "Last owner");
		subscribe(api, org, planWithSeats(api, uniqueKey("last"), 5));
		var base = "/v1/me/organizations/" + org;

		// when
		var leaving = owner.api().post(base + "/leave", null);
		var demoting = owner.api().put(base + "/members/" + owner.accountId(), Api.json(Map.of("role", "member")));
		var removingSelf = owner.api().delete(base + "/members/" + owner.accountId());

		// then
		assertThat(leaving.status()).isEqualTo(409);
		assertThat(leaving.code()).isEqualTo("last_owner");
		assertThat(demoting.code()).isEqualTo("last_owner");
		assertThat(removingSelf.code()).isEqualTo("last_owner");
		assertThat(roleOf(details(owner, org).path("members"), owner.accountId())).isEqualTo("owner");

		// when: another member becomes an owner, the first may leave
		join(owner, org, second, "member");
		assertThat(owner.api().put(base + "/members/" + second.accountId(), Api.json(Map.of("role", "owner"))).status())
			.isEqualTo(200);
		var left = owner.api().post(base + "/leave", null);

		// then
		assertThat(left.status()).isEqualTo(204);
		assertThat(owner.api().get(base).status()).isEqualTo(404);
		assertThat(second.api().post(base + "/leave", null).code()).isEqualTo("last_owner");
		assertThat(auditActions(org)).contains("organization.member_left");
	}

	@Test
	void thePlansTeamMemberLimitCapsMembersAndPendingInvitations() {
		// given: the default plan allows one seat, taken by the owner
		var owner = person(anonymous, "limit-owner");
		var org = organization(owner, "Small team");

		// when
		var onFree = invite(owner, org, TestMail.uniqueAddress("limit-a"), "member");

		// then
		assertThat(onFree.status()).isEqualTo(402);
		assertThat(onFree.code()).isEqualTo("member_limit_reached");
		assertThat(onFree.body().path("limit").asLong()).isEqualTo(1);
		assertThat(onFree.body().path("used").asLong()).isEqualTo(1);
		assertThat(onFree.body().path("feature").asString()).isEqualTo("seats");
		assertThat(onFree.body().path("upgradeTo").asString()).isNotBlank();

		// when: on a plan for three, two invitations fill it
		subscribe(api, org, planWithSeats(api, uniqueKey("small"), 3));
		var first = invite(owner, org, TestMail.uniqueAddress("limit-b"), "member");
		var second = invite(owner, org, TestMail.uniqueAddress("limit-c"), "member");
		var third = invite(owner, org, TestMail.uniqueAddress("limit-d"), "member");

		// then
		assertThat(first.status()).isEqualTo(201);
		assertThat(second.status()).isEqualTo(201);
		assertThat(third.status()).isEqualTo(402);
		assertThat(third.body().path("used").asLong()).isEqualTo(3);

		// when: one is revoked, there is room again; re-inviting an address replaces its
		// invitation
		owner.api().delete("/v1/me/organizations/" + org + "/invitations/" + first.body().path("id").asString());
		var fourth = invite(owner, org, TestMail.uniqueAddress("limit-e"), "member");
		var reinvited = invite(owner, org, second.body().path("email").asString(), "admin");

		// then
		assertThat(fourth.status()).isEqualTo(201);
		assertThat(reinvited.status()).as(reinvited.toString()).isEqualTo(201);
		assertThat(details(owner, org).path("invitations")).hasSize(2);

		// when: on an unlimited plan (enterprise), no limit
		subscribe(api, org, "enterprise");
		var unlimited = details(owner, org).path("memberLimit");

		// then
		assertThat(unlimited.path("unlimited").asBoolean()).isTrue();
		assertThat(invite(owner, org, TestMail.uniqueAddress("limit-f"), "member").status()).isEqualTo(201);
	}

	@Test
	void deletingOrSuspendingTheOrganizationEndsItsMembersAccess() {
		// given
		var owner = person(anonymous, "del-owner");
		var member = person(anonymous, "del-member");
		var org = organization(owner, "Doomed");
		subscribe(api, org, planWithSeats(api, uniqueKey("doomed"), 5));
		join(owner, org, member, "member");
		var asMember = actingFor(anonymous, member, org);
		var pending = invite(owner, org, TestMail.uniqueAddress("del-pending"), "member");
		assertThat(pending.status()).isEqualTo(201);

		// when: suspended
		assertThat(api.post("/v1/customers/" + org + "/suspend", null).status()).isEqualTo(200);

		// then: tokens for it stop, no new ones are given
		assertThat(asMember.get("/v1/me/subscription").status()).isEqualTo(401);
		var refused = member.api().post("/v1/me/organizations/" + org + "/token", null);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("customer_suspended");

		// when: active again, then deleted
		assertThat(api.post("/v1/customers/" + org + "/activate", null).status()).isEqualTo(200);
		var again = actingFor(anonymous, member, org);
		assertThat(again.get("/v1/me/subscription").status()).isEqualTo(200);
		assertThat(api.delete("/v1/customers/" + org).status()).isEqualTo(200);

		// then
		assertThat(again.get("/v1/me/subscription").status()).isEqualTo(401);
		assertThat(member.api().get("/v1/me/organizations").body().path("data")).isEmpty();
		assertThat(owner.api().get("/v1/me/organizations/" + org).code()).isEqualTo("organization_not_found");
		assertThat(member.api().get("/v1/me/account").status()).isEqualTo(200);
		assertThat(auditActions(org)).contains("organization.memberships_ended");
	}

	@Test
	void whenTheOnlyOwnersAccountIsDeletedAnAdminBecomesTheOwner() {
		// given
		var owner = person(anonymous, "heir-owner");
		var admin = person(anonymous, "heir-admin");
		var member = person(anonymous, "heir-member");
		var org = organization(owner, "Heirs");
		subscribe(api, org, planWithSeats(api, uniqueKey("heirs"), 5));
		join(owner, org, member, "member");
		join(owner, org, admin, "admin");
		var ownerCustomer = owner.api().get("/v1/me/account").body().path("customerId").asString();

		// when
		assertThat(api.delete("/v1/customers/" + ownerCustomer).status()).isEqualTo(200);

		// then
		var members = details(admin, org).path("members");
		assertThat(members).hasSize(2);
		assertThat(roleOf(members, admin.accountId())).isEqualTo("owner");
		assertThat(roleOf(members, member.accountId())).isEqualTo("member");
	}

	private static void assertForbidden(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(403);
		assertThat(response.code()).isEqualTo("forbidden");
	}

	private static String roleOf(JsonNode members, UUID accountId) {
		for (var m : members) {
			if (m.path("accountId").asString().equals(accountId.toString())) {
				return m.path("role").asString();
			}
		}
		return "none";
	}

	private List<String> auditActions(String org) {
		var events = api.get("/v1/admin/audit-events?targetType=organization&targetId=" + org + "&limit=100")
			.body()
			.path("data");
		var actions = new ArrayList<String>();
		events.forEach(e -> actions.add(e.path("action").asString()));
		return actions;
	}

}

package dev.plangate.identity.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operators viewing as an end user over HTTP: the token and its {@code act} claim, both
 * modes, what the token may never do, the audit trail with {@code impersonatedBy}, ending
 * early and expiry, on a server whose clock the test moves.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class ImpersonationApiTest extends ServerTest {

	private static final String PATH = "/v1/admin/impersonations";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "impersonation");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private MovableClock clock;

	/** An end user: its email, account id and customer id. */
	private record User(String email, String accountId, String customerId) {
	}

	private User user(String prefix) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		var signIn = AccountCalls.signIn(anonymous, email);
		return new User(email, signIn.path("account").path("id").asString(),
				signIn.path("account").path("customerId").asString());
	}

	/** An operator with a second factor, signed in: its client and account id. */
	private record Operator(Api api, String accountId) {
	}

	private Operator operator(String prefix, String role) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		jdbc.sql("update account set role = :role where email = :email")
			.param("role", role)
			.param("email", email)
			.update();
		var signIn = AccountCalls.signIn(anonymous, email);
		// as if enrolled after signing in (TwoFactorTest covers enrolment): operators
		// need
		// a second factor
		jdbc.sql("update account set totp_enabled_at = created_at where email = :email").param("email", email).update();
		return new Operator(AccountCalls.as(anonymous, signIn), signIn.path("account").path("id").asString());
	}

	private static Api.Response start(Operator operator, Map<String, Object> body) {
		return operator.api().post(PATH, Api.json(body));
	}

	private JsonNode started(Operator operator, Map<String, Object> body) {
		var response = start(operator, body);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private Api holding(JsonNode started) {
		return anonymous.withKey(started.path("token").asString());
	}

	private static JsonNode claims(String token) {
		var payload = Base64.getUrlDecoder().decode(token.split("\\.")[1]);
		return JsonMapper.builder().build().readTree(payload);
	}

	private List<JsonNode> audit(String customerId) {
		var events = api
			.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(customerId) + "&limit=500");
		assertThat(events.status()).as(events.toString()).isEqualTo(200);
		var rows = new ArrayList<JsonNode>();
		events.body().path("data").forEach(rows::add);
		return rows;
	}

	@Test
	void aSupportOperatorViewsAsAUserReadOnlyWithTheOperatorInTheTokenAndEveryRequestAudited() {
		// given
		var support = operator("imp-support", "support");
		var user = user("imp-user");

		// when
		var started = started(support, Map.of("accountId", user.accountId(), "reason", "ticket 4711"));
		var asUser = holding(started);
		var me = asUser.get("/v1/me");
		var usage = asUser.get("/v1/me/usage");
		var change = asUser.post("/v1/me/organizations", Api.json(Map.of("name", "Not made")));

		// then: a token of the user naming the operator as its actor
		assertThat(started.path("mode").asString()).isEqualTo("read_only");
		assertThat(started.path("accountId").asString()).isEqualTo(user.accountId());
		assertThat(started.path("customerId").asString()).isEqualTo(user.customerId());
		assertThat(started.path("impersonatedBy").asString()).isEqualTo(support.accountId());
		assertThat(started.path("reason").asString()).isEqualTo("ticket 4711");
		assertThat(Duration.between(clock.instant(), java.time.Instant.parse(started.path("expiresAt").asString())))
			.as("15 minutes by default")
			.isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
		var claims = claims(started.path("token").asString());
		assertThat(claims.path("sub").asString()).isEqualTo(user.accountId());
		assertThat(claims.path("act").path("sub").asString()).isEqualTo(support.accountId());
		assertThat(claims.path("imp_mode").asString()).isEqualTo("read_only");
		assertThat(claims.path("jti").asString()).isEqualTo(started.path("id").asString());

		// and /v1/me says so
		assertThat(me.status()).as(me.toString()).isEqualTo(200);
		assertThat(me.body().path("account").path("id").asString()).isEqualTo(user.accountId());
		assertThat(me.body().path("impersonation").path("impersonatedBy").asString()).isEqualTo(support.accountId());
		assertThat(me.body().path("impersonation").path("mode").asString()).isEqualTo("read_only");
		assertThat(usage.status()).isEqualTo(200);

		// and a change is refused
		assertThat(change.status()).as(change.toString()).isEqualTo(403);
		assertThat(change.code()).isEqualTo("impersonation_read_only");
		assertThat(change.header("Content-Type")).startsWith("application/problem+json");

		// and the audit trail has the start and each request, with the operator
		var rows = audit(user.customerId());
		var started_ = rows.stream().filter(r -> r.path("action").asString().equals("impersonation.started")).toList();
		assertThat(started_).hasSize(1);
		assertThat(started_.get(0).path("actor").asString()).isEqualTo("account:" + support.accountId());
		assertThat(started_.get(0).path("after").path("reason").asString()).isEqualTo("ticket 4711");
		assertThat(started_.get(0).path("after").path("mode").asString()).isEqualTo("read_only");
		assertThat(started_.get(0).path("after").path("expiresAt").asString())
			.isEqualTo(started.path("expiresAt").asString());
		var requests = rows.stream()
			.filter(r -> r.path("action").asString().equals("impersonation.request"))
			.map(r -> r.path("after").path("method").asString() + " " + r.path("after").path("path").asString() + " "
					+ r.path("after").path("status").asInt() + " " + r.path("actor").asString() + " "
					+ r.path("impersonatedBy").asString(""))
			.toList();
		var by = " account:" + user.accountId() + " account:" + support.accountId();
		assertThat(requests).containsExactlyInAnyOrder("GET /v1/me 200" + by, "GET /v1/me/usage 200" + by,
				"POST /v1/me/organizations 403" + by);
		assertThat(started_.get(0).path("impersonatedBy").asString("")).as("the operator acted as itself").isEmpty();
	}

	@Test
	void anAdminViewsAsAUserReadWriteAndItsChangesAreAuditedWithTheOperator() {
		// given
		var admin = operator("imp-admin", "admin");
		var user = user("imp-rw");

		// when
		var started = started(admin, Map.of("customerId", user.customerId(), "reason", "fix settings", "mode",
				"read_write", "ttlSeconds", 600));
		var asUser = holding(started);
		var created = asUser.post("/v1/me/organizations", Api.json(Map.of("name", "Made as the user")));

		// then
		assertThat(started.path("accountId").asString()).as("the customer's account").isEqualTo(user.accountId());
		assertThat(started.path("mode").asString()).isEqualTo("read_write");
		assertThat(claims(started.path("token").asString()).path("imp_mode").asString()).isEqualTo("read_write");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var organization = created.body().path("id").asString();
		var rows = api.get("/v1/admin/audit-events?targetType=organization&targetId=" + Api.encode(organization))
			.body()
			.path("data");
		assertThat(rows.size()).isPositive();
		rows.forEach(r -> assertThat(r.path("impersonatedBy").asString(""))
			.as("the change the request made names the operator too: " + r)
			.isEqualTo("account:" + admin.accountId()));
		assertThat(audit(user.customerId()))
			.anySatisfy(r -> assertThat(r.path("after").path("path").asString("")).isEqualTo("/v1/me/organizations"));
	}

	@Test
	void aSupportOperatorCannotGetReadWrite() {
		// given
		var support = operator("imp-support-rw", "support");
		var user = user("imp-user-rw");

		// when
		var refused = start(support,
				Map.of("accountId", user.accountId(), "reason", "wants changes", "mode", "read_write"));

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("impersonation_not_allowed");
		assertThat(audit(user.customerId())).noneMatch(r -> r.path("action").asString().startsWith("impersonation"));
	}

	@Test
	void anOperatorsAccountIsNeverViewedAs() {
		// given
		var superadmin = operator("imp-super", "superadmin");
		var otherSuper = operator("imp-super-target", "superadmin");
		var supportTarget = operator("imp-support-target", "support");

		// when
		var onSuperadmin = start(superadmin, Map.of("accountId", otherSuper.accountId(), "reason", "curious"));
		var onSupport = start(superadmin, Map.of("accountId", supportTarget.accountId(), "reason", "curious"));
		var onSelf = start(superadmin, Map.of("accountId", superadmin.accountId(), "reason", "curious"));

		// then
		for (var response : List.of(onSuperadmin, onSupport, onSelf)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("impersonation_not_allowed");
		}
	}

	@Test
	void unknownIdsAreNotFound() {
		// given
		var support = operator("imp-404", "support");
		var bare = newCustomer("imp-no-account");

		// when
		var unknownAccount = start(support, Map.of("accountId", UUID.randomUUID().toString(), "reason", "x"));
		var unknownCustomer = start(support, Map.of("customerId", "imp-nobody-" + UUID.randomUUID(), "reason", "x"));
		var customerWithoutAccount = start(support, Map.of("customerId", bare, "reason", "x"));
		var unknownImpersonation = support.api().get(PATH + "/" + UUID.randomUUID());
		var endUnknown = support.api().delete(PATH + "/" + UUID.randomUUID());
		var malformedId = support.api().delete(PATH + "/not-an-id");

		// then
		for (var response : List.of(unknownAccount, unknownCustomer, customerWithoutAccount)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("account_not_found");
		}
		for (var response : List.of(unknownImpersonation, endUnknown)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("impersonation_not_found");
		}
		assertThat(malformedId.status()).as(malformedId.toString()).isEqualTo(400);
	}

	@Test
	void badInputIsRefusedWithAProblemNamingTheField() {
		// given
		var admin = operator("imp-400", "admin");
		var user = user("imp-400-user");
		var both = new HashMap<String, Object>(
				Map.of("accountId", user.accountId(), "customerId", user.customerId(), "reason", "x"));

		// when
		var malformed = admin.api().post(PATH, "{\"accountId\":");
		var noReason = start(admin, Map.of("accountId", user.accountId()));
		var blankReason = start(admin, Map.of("accountId", user.accountId(), "reason", "  "));
		var neither = start(admin, Map.of("reason", "x"));
		var bothTargets = start(admin, both);
		var badMode = start(admin, Map.of("accountId", user.accountId(), "reason", "x", "mode", "god"));
		var wrongType = admin.api().post(PATH, "{\"accountId\":42,\"reason\":\"x\"}");
		var badUuid = start(admin, Map.of("accountId", "not-a-uuid", "reason", "x"));
		var tooLong = start(admin, Map.of("accountId", user.accountId(), "reason", "x", "ttlSeconds", 7200));
		var tooShort = start(admin, Map.of("accountId", user.accountId(), "reason", "x", "ttlSeconds", 5));
		var ttlText = start(admin, Map.of("accountId", user.accountId(), "reason", "x", "ttlSeconds", "soon"));

		// then
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.code()).isEqualTo("malformed_json");
		for (var response : List.of(noReason, blankReason, neither, bothTargets, badMode, wrongType, badUuid, tooLong,
				tooShort, ttlText)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		}
		assertThat(noReason.text()).contains("reason");
		assertThat(neither.text()).contains("accountId");
		assertThat(badMode.text()).contains("mode");
		assertThat(tooLong.text()).contains("ttlSeconds");
		assertThat(audit(user.customerId())).noneMatch(r -> r.path("action").asString().startsWith("impersonation"));
	}

	@Test
	void aServerKeyAUserAndAnImpersonationTokenCannotStartOne() {
		// given
		var user = user("imp-who");
		var other = user("imp-who-other");
		var support = operator("imp-who-support", "support");
		var asUser = holding(started(support, Map.of("accountId", user.accountId(), "reason", "x")));
		var plainUser = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, other.email()));

		// when
		var serverKey = api.post(PATH, Api.json(Map.of("accountId", user.accountId(), "reason", "x")));
		var byUser = plainUser.post(PATH, Api.json(Map.of("accountId", user.accountId(), "reason", "x")));
		var further = asUser.post(PATH, Api.json(Map.of("accountId", other.accountId(), "reason", "x")));
		var none = anonymous.post(PATH, Api.json(Map.of("accountId", user.accountId(), "reason", "x")));

		// then
		assertThat(serverKey.status()).as(serverKey.toString()).isEqualTo(403);
		assertThat(serverKey.code()).isEqualTo("forbidden");
		assertThat(serverKey.text()).contains("operator");
		assertThat(byUser.status()).isEqualTo(403);
		assertThat(further.status()).isEqualTo(403);
		assertThat(further.code()).isEqualTo("impersonation_not_allowed");
		assertThat(none.status()).isEqualTo(401);
	}

	@Test
	void evenReadWriteTheTokenMayNotTouchTheAccountsSecurity() {
		// given
		var admin = operator("imp-sec", "admin");
		var user = user("imp-sec-user");
		var asUser = holding(
				started(admin, Map.of("accountId", user.accountId(), "reason", "x", "mode", "read_write")));

		// when
		var refused = List.of(asUser.post("/v1/me/api-keys", Api.json(Map.of("name", "k", "scope", "read"))),
				asUser.post("/v1/me/password",
						Api.json(Map.of("currentPassword", AccountCalls.PASSWORD, "newPassword", "x"))),
				asUser.post("/v1/me/two-factor", Api.json(Map.of("password", AccountCalls.PASSWORD))),
				asUser.delete("/v1/me/sessions"), asUser.post("/v1/auth/logout", null),
				asUser.post("/v1/me/organizations/" + UUID.randomUUID() + "/token", null),
				asUser.get("/v1/admin/accounts/" + user.accountId()));

		// then
		for (var response : refused) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).as(response.toString()).isEqualTo("impersonation_not_allowed");
		}
		assertThat(AccountCalls.signIn(anonymous, user.email()).path("accessToken").asString())
			.as("the password is unchanged")
			.isNotBlank();
	}

	@Test
	void anOperatorEndsItEarlyAndTheTokenStopsWorking() {
		// given
		var support = operator("imp-end", "support");
		var user = user("imp-end-user");
		var started = started(support, Map.of("accountId", user.accountId(), "reason", "x"));
		var asUser = holding(started);
		assertThat(asUser.get("/v1/me").status()).isEqualTo(200);
		var userOwn = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, user.email()));

		// when
		var ended = support.api().delete(PATH + "/" + started.path("id").asString());
		var again = api.delete(PATH + "/" + started.path("id").asString());

		// then
		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
		assertThat(ended.body().path("endedAt").asString("")).isNotEmpty();
		assertThat(ended.body().path("endedBy").asString()).isEqualTo("account:" + support.accountId());
		assertThat(ended.body().has("token")).as("the token is never shown again").isFalse();
		assertThat(again.status()).as("ending twice changes nothing").isEqualTo(200);
		assertThat(again.body().path("endedBy").asString()).isEqualTo("account:" + support.accountId());
		assertThat(asUser.get("/v1/me").status()).isEqualTo(401);
		assertThat(userOwn.get("/v1/me").status()).as("the user's own token keeps working").isEqualTo(200);
		assertThat(audit(user.customerId()).stream()
			.filter(r -> r.path("action").asString().equals("impersonation.ended"))).singleElement()
			.satisfies(r -> assertThat(r.path("actor").asString()).isEqualTo("account:" + support.accountId()));
	}

	@Test
	void theTokenStopsWorkingWhenItExpires() {
		// given
		var admin = operator("imp-expiry", "admin");
		var user = user("imp-expiry-user");
		var started = started(admin, Map.of("accountId", user.accountId(), "reason", "x", "ttlSeconds", 120));
		var asUser = holding(started);
		assertThat(asUser.get("/v1/me").status()).isEqualTo(200);

		// when: past its life and the clock skew
		clock.advance(Duration.ofSeconds(100));
		var before = asUser.get("/v1/me");
		clock.advance(Duration.ofSeconds(60));
		var after = asUser.get("/v1/me");

		// then
		assertThat(before.status()).isEqualTo(200);
		assertThat(after.status()).as(after.toString()).isEqualTo(401);
		assertThat(admin.api().get(PATH + "/" + started.path("id").asString()).body().path("expiresAt").asString())
			.isEqualTo(started.path("expiresAt").asString());
	}

	private static List<String> ids(Api.Response page) {
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		var ids = new ArrayList<String>();
		page.body().path("data").forEach(i -> ids.add(i.path("id").asString()));
		return ids;
	}

	private static String field(Api.Response response) {
		return response.body().path("errors").get(0).path("field").asString();
	}

	@Test
	void impersonationsAreListedNewestFirstFilteredAndPaged() {
		// given: a support operator viewing as two users, an admin as the first; the
		// admin's one ended
		var support = operator("imp-list-support", "support");
		var admin = operator("imp-list-admin", "admin");
		var first = user("imp-list-1");
		var second = user("imp-list-2");
		var s1 = started(support, Map.of("accountId", first.accountId(), "reason", "one")).path("id").asString();
		clock.advance(Duration.ofSeconds(1));
		var s2 = started(support, Map.of("accountId", second.accountId(), "reason", "two")).path("id").asString();
		clock.advance(Duration.ofSeconds(1));
		var a1 = started(admin, Map.of("accountId", first.accountId(), "reason", "three")).path("id").asString();
		assertThat(admin.api().delete(PATH + "/" + a1).status()).isEqualTo(200);

		// when
		var all = api.get(PATH + "?limit=500");
		var bySupport = support.api().get(PATH + "?operator=" + support.accountId());
		var ofFirst = api.get(PATH + "?account=" + first.accountId());
		var endedOfFirst = api.get(PATH + "?active=false&account=" + first.accountId());
		var activeOfFirst = api.get(PATH + "?active=true&account=" + first.accountId());
		var both = api.get(PATH + "?operator=" + admin.accountId() + "&account=" + second.accountId());
		var firstPage = api.get(PATH + "?operator=" + support.accountId() + "&limit=1");
		var secondPage = api.get(PATH + "?operator=" + support.accountId() + "&limit=1&cursor="
				+ firstPage.body().path("nextCursor").asString());

		// then
		assertThat(ids(all)).containsSubsequence(a1, s2, s1);
		all.body().path("data").forEach(i -> assertThat(i.has("token")).as("no token is shown again").isFalse());
		assertThat(ids(bySupport)).containsExactly(s2, s1);
		assertThat(bySupport.body().path("data").get(0).path("impersonatedBy").asString())
			.isEqualTo(support.accountId());
		assertThat(bySupport.body().path("data").get(0).path("reason").asString()).isEqualTo("two");
		assertThat(ids(ofFirst)).containsExactly(a1, s1);
		assertThat(ids(endedOfFirst)).containsExactly(a1);
		assertThat(ids(activeOfFirst)).containsExactly(s1);
		assertThat(ids(both)).isEmpty();
		assertThat(ids(firstPage)).containsExactly(s2);
		assertThat(ids(secondPage)).containsExactly(s1);
		assertThat(
				secondPage.body().path("nextCursor").isNull() || secondPage.body().path("nextCursor").isMissingNode())
			.isTrue();
	}

	@Test
	void theAuditLogIsFilteredByTheOperatorBehindAnImpersonation() {
		// given: each operator's token makes a request
		var support = operator("imp-audit-support", "support");
		var admin = operator("imp-audit-admin", "admin");
		var user = user("imp-audit-user");
		assertThat(
				holding(started(support, Map.of("accountId", user.accountId(), "reason", "x"))).get("/v1/me").status())
			.isEqualTo(200);
		assertThat(holding(started(admin, Map.of("accountId", user.accountId(), "reason", "y"))).get("/v1/me/usage")
			.status()).isEqualTo(200);
		var events = "/v1/admin/audit-events?targetId=" + Api.encode(user.customerId()) + "&impersonatedBy=";

		// when
		var bySupport = api.get(events + support.accountId());
		var byAdmin = api.get(events + admin.accountId() + "&action=impersonation.request");
		var byNobody = api.get(events + UUID.randomUUID());
		var firstPage = api.get(events + support.accountId() + "&limit=1");

		// then
		assertThat(bySupport.status()).as(bySupport.toString()).isEqualTo(200);
		assertThat(bySupport.body().path("data")).singleElement().satisfies(e -> {
			assertThat(e.path("impersonatedBy").asString()).isEqualTo("account:" + support.accountId());
			assertThat(e.path("after").path("path").asString()).isEqualTo("/v1/me");
		});
		assertThat(byAdmin.body().path("data")).singleElement()
			.satisfies(e -> assertThat(e.path("after").path("path").asString()).isEqualTo("/v1/me/usage"));
		assertThat(byNobody.body().path("data")).isEmpty();
		assertThat(firstPage.body().path("data")).hasSize(1);
	}

	@Test
	void badListFiltersAreABadRequestNamingTheParameter() {
		// when
		var active = api.get(PATH + "?active=maybe");
		var operator = api.get(PATH + "?operator=not-a-uuid");
		var account = api.get(PATH + "?account=42");
		var cursor = api.get(PATH + "?cursor=%21%21");
		var forgedCursor = api
			.get(PATH + "?cursor=" + Base64.getUrlEncoder().withoutPadding().encodeToString("yesterday|x".getBytes()));
		var limit = api.get(PATH + "?limit=0");
		var auditFilter = api.get("/v1/admin/audit-events?impersonatedBy=account:nobody");

		// then
		assertThat(field(active)).isEqualTo("active");
		assertThat(field(operator)).isEqualTo("operator");
		assertThat(field(account)).isEqualTo("account");
		assertThat(field(cursor)).isEqualTo("cursor");
		assertThat(field(forgedCursor)).isEqualTo("cursor");
		assertThat(field(auditFilter)).isEqualTo("impersonatedBy");
		for (var response : List.of(active, operator, account, cursor, forgedCursor, limit, auditFilter)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("invalid_request");
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		}
	}

	@Test
	void onlyOperatorsAndServerKeysListImpersonations() {
		// given
		var support = operator("imp-list-who", "support");
		var user = user("imp-list-who-user");
		var asUser = holding(started(support, Map.of("accountId", user.accountId(), "reason", "x")));
		var plainUser = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, user.email()));

		// when
		var byServerKey = api.get(PATH);
		var bySupport = support.api().get(PATH);
		var byUser = plainUser.get(PATH);
		var byImpersonation = asUser.get(PATH);
		var byNobody = anonymous.get(PATH);

		// then
		assertThat(byServerKey.status()).as(byServerKey.toString()).isEqualTo(200);
		assertThat(bySupport.status()).as(bySupport.toString()).isEqualTo(200);
		assertThat(byUser.status()).as(byUser.toString()).isEqualTo(403);
		assertThat(byImpersonation.status()).as(byImpersonation.toString()).isEqualTo(403);
		assertThat(byImpersonation.code()).isEqualTo("impersonation_not_allowed");
		assertThat(byNobody.status()).isEqualTo(401);
	}

}

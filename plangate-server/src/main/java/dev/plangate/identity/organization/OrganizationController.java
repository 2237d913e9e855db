package dev.plangate.identity.organization;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.account.AuthThrottle;
import dev.plangate.identity.account.Device;
import dev.plangate.identity.account.SignedInAccount;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The signed-in account's organizations (an account's access token; a customer-scoped
 * token or a server key is refused).
 */
@RestController
@Tag(name = "Organizations")
class OrganizationController {

	private static final String ROLE = "owner|admin|member";

	private static final String ROLE_MESSAGE = "must be owner, admin or member";

	private final OrganizationService organizations;

	private final Clock clock;

	private final AuthThrottle throttle;

	OrganizationController(OrganizationService organizations, Clock clock, AuthThrottle throttle) {
		this.organizations = organizations;
		this.clock = clock;
		this.throttle = throttle;
	}

	record CreateOrganization(@NotBlank @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*",
			message = "must not hold control characters") String name) {
	}

	record Invite(@NotBlank @Size(max = 320) String email,
			@NotNull @Pattern(regexp = ROLE, message = ROLE_MESSAGE) String role) {
	}

	record Accept(@NotBlank @Size(max = 200) String token) {
	}

	record ChangeRole(@NotNull @Pattern(regexp = ROLE, message = ROLE_MESSAGE) String role) {
	}

	record OrganizationView(String id, @Nullable String name, String status, String role, Instant joinedAt) {

		static OrganizationView of(Membership.OfAccount m) {
			return new OrganizationView(m.organizationId(), m.name(), m.status(), m.role().id(), m.joinedAt());
		}
	}

	record MemberView(UUID accountId, @Nullable String email, @Nullable String username, String role,
			Instant joinedAt) {

		static MemberView of(Membership.Member m) {
			return new MemberView(m.accountId(), m.email(), m.username(), m.role().id(), m.joinedAt());
		}
	}

	record InvitationView(UUID id, String email, String role, UUID invitedBy, Instant createdAt, Instant expiresAt) {

		static InvitationView of(Invitation i) {
			return new InvitationView(i.id(), i.email(), i.role().id(), i.invitedBy(), i.createdAt(), i.expiresAt());
		}
	}

	record MemberLimitView(String feature, @Nullable Long limit, boolean unlimited, long used) {
	}

	record DetailsView(String id, @Nullable String name, String status, String plan, String role,
			List<MemberView> members, @Nullable List<InvitationView> invitations, MemberLimitView memberLimit,
			Instant createdAt) {

		static DetailsView of(OrganizationService.Details d) {
			var org = d.organization();
			var limit = d.memberLimit();
			return new DetailsView(org.id(), org.name(), org.status().id(), d.plan(), d.role().id(),
					d.members().stream().map(MemberView::of).toList(),
					d.invitations() == null ? null : d.invitations().stream().map(InvitationView::of).toList(),
					new MemberLimitView(limit.feature(), limit.limit(), limit.limit() == null, limit.used()),
					org.createdAt());
		}
	}

	record OrganizationToken(String accessToken, String tokenType, long expiresIn, Instant expiresAt,
			String organizationId, String role, @Nullable String plan) {
	}

	@PostMapping("/v1/me/organizations")
	@Operation(operationId = "createOrganization", summary = "Create an organization",
			description = "A customer of kind `organization` (id `org_…`) on the default plan, with the caller as "
					+ "its owner. The caller's email address must be verified.")
	ResponseEntity<OrganizationView> create(@Valid @RequestBody CreateOrganization request) {
		var created = organizations.create(SignedInAccount.current().accountId(), request.name().strip());
		return ResponseEntity.created(URI.create("/v1/me/organizations/" + created.organizationId()))
			.body(OrganizationView.of(created));
	}

	@GetMapping("/v1/me/organizations")
	@Operation(operationId = "listMyOrganizations", summary = "My organizations, with my role in each")
	Page<OrganizationView> mine() {
		return Page.of(organizations.organizationsOf(SignedInAccount.current().accountId())
			.stream()
			.map(OrganizationView::of)
			.toList());
	}

	@GetMapping("/v1/me/organizations/{orgId}")
	@Operation(operationId = "getOrganization", summary = "One of my organizations with its members",
			description = "Owners and admins also see the pending invitations. An organization the caller is not a "
					+ "member of is not found (404), whether it exists or not.")
	DetailsView get(@PathVariable @CustomerId String orgId) {
		return DetailsView.of(organizations.details(SignedInAccount.current().accountId(), orgId));
	}

	@Refusals({ ErrorCode.MEMBER_LIMIT_REACHED, ErrorCode.ALREADY_MEMBER })
	@PostMapping("/v1/me/organizations/{orgId}/invitations")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "inviteMember", summary = "Invite someone by email (owner or admin)",
			description = "Mails a single-use link valid for 7 days; a pending invitation to the same address is "
					+ "replaced. Admins cannot invite owners. Members plus pending invitations may not exceed the "
					+ "plan's team-member limit (402 `member_limit_reached`).")
	InvitationView invite(@PathVariable @CustomerId String orgId, @Valid @RequestBody Invite request,
			HttpServletRequest http) {
		throttle.mail(SignedInAccount.current().accountId(), Device.of(http).ip());
		return InvitationView.of(organizations.invite(SignedInAccount.current().accountId(), orgId, request.email(),
				OrganizationRole.of(request.role())));
	}

	@DeleteMapping("/v1/me/organizations/{orgId}/invitations/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "revokeInvitation", summary = "Revoke a pending invitation (owner or admin)")
	void revokeInvitation(@PathVariable @CustomerId String orgId, @PathVariable UUID id) {
		organizations.revokeInvitation(SignedInAccount.current().accountId(), orgId, id);
	}

	@Refusals({ ErrorCode.INVALID_INVITATION, ErrorCode.INVITATION_EMAIL_MISMATCH, ErrorCode.ALREADY_MEMBER,
			ErrorCode.MEMBER_LIMIT_REACHED })
	@PostMapping("/v1/me/invitations/accept")
	@Operation(operationId = "acceptInvitation", summary = "Accept an invitation",
			description = "The token from the mailed link; the caller's verified email address must be the invited "
					+ "one. The invitation is used up.")
	OrganizationView accept(@Valid @RequestBody Accept request) {
		return OrganizationView.of(organizations.accept(SignedInAccount.current().accountId(), request.token()));
	}

	@Refusals({ ErrorCode.LAST_OWNER })
	@PutMapping("/v1/me/organizations/{orgId}/members/{accountId}")
	@Operation(operationId = "changeMemberRole", summary = "Change a member's role (owner only)",
			description = "The last owner cannot be demoted. The member's tokens for the organization stop working.")
	MemberView changeRole(@PathVariable @CustomerId String orgId, @PathVariable UUID accountId,
			@Valid @RequestBody ChangeRole request) {
		return MemberView.of(organizations.changeRole(SignedInAccount.current().accountId(), orgId, accountId,
				OrganizationRole.of(request.role())));
	}

	@Refusals({ ErrorCode.LAST_OWNER })
	@DeleteMapping("/v1/me/organizations/{orgId}/members/{accountId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "removeMember", summary = "Remove a member (owner or admin)",
			description = "Admins cannot remove owners; the last owner cannot be removed. The member is told by mail "
					+ "and its tokens for the organization stop working.")
	void remove(@PathVariable @CustomerId String orgId, @PathVariable UUID accountId) {
		organizations.removeMember(SignedInAccount.current().accountId(), orgId, accountId);
	}

	@Refusals({ ErrorCode.LAST_OWNER })
	@PostMapping("/v1/me/organizations/{orgId}/leave")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "leaveOrganization", summary = "Leave an organization",
			description = "The last owner cannot leave.")
	void leave(@PathVariable @CustomerId String orgId) {
		organizations.leave(SignedInAccount.current().accountId(), orgId);
	}

	@PostMapping("/v1/me/organizations/{orgId}/token")
	@Operation(operationId = "mintOrganizationToken", summary = "An access token for acting for the organization",
			description = "Its `cid` is the organization, so `/v1/me/subscription` and `/v1/me/usage` answer the "
					+ "organization's shared plan; its roles name mine (`org_owner`, `org_admin`, `org_member`). "
					+ "It ends with my session, and when I leave, am removed or change role, or the organization "
					+ "is suspended or deleted.")
	OrganizationToken token(@PathVariable @CustomerId String orgId) {
		Idempotency.neverKeep();
		var me = SignedInAccount.current();
		var issued = organizations.token(me.accountId(), me.sessionId(), orgId);
		var claims = issued.claims();
		var role = claims.roles().stream().filter(r -> r.startsWith("org_")).findFirst().orElseThrow();
		long expiresIn = Math.max(0, ChronoUnit.SECONDS.between(clock.instant(), claims.expiresAt()));
		return new OrganizationToken(issued.token(), "Bearer", expiresIn, claims.expiresAt(), orgId,
				role.substring("org_".length()), claims.plan());
	}

}

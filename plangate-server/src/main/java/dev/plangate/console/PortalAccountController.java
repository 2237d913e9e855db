package dev.plangate.console;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.plangate.identity.PortalAccounts;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal for an end user signed in with a Plangate account: the sign-in (password,
 * then the second factor if the account has one, through {@link PortalAccounts}: the
 * API's sign-in with its throttles and lockout), and the account's sessions, second
 * factor, personal keys and organizations, each as the {@code /v1/me/…} endpoints allow.
 * A visitor with a customer token sees none of these: they belong to an account.
 */
@Controller
@Hidden
class PortalAccountController {

	static final String LOGIN = "/portal/login";

	/** How long the password, checked, waits in the session for its second factor. */
	private static final Duration CODE_WAIT = Duration.ofMinutes(5);

	private static final String PENDING = PortalAccountController.class.getName() + ".pending";

	private static final String ENROLMENT = PortalAccountController.class.getName() + ".enrolment";

	private final PortalAccounts accounts;

	private final PortalViewers viewers;

	private final HttpSessionSecurityContextRepository contexts;

	private final HttpSessionCsrfTokenRepository csrfTokens;

	private final ConsoleSettings settings;

	private final Clock clock;

	PortalAccountController(PortalAccounts accounts, PortalViewers viewers,
			HttpSessionSecurityContextRepository contexts, HttpSessionCsrfTokenRepository csrfTokens,
			ConsoleSettings settings, Clock clock) {
		this.accounts = accounts;
		this.viewers = viewers;
		this.contexts = contexts;
		this.csrfTokens = csrfTokens;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * A password checked, waiting for its code; kept only in the server's memory, for at
	 * most {@link #CODE_WAIT}.
	 */
	private record Pending(String login, String password, Instant until) implements Serializable {

		/** Without the password. */
		@Override
		public String toString() {
			return "Pending[login=" + login + ", until=" + until + "]";
		}

	}

	@GetMapping(LOGIN)
	String loginPage(@RequestParam(required = false) @Nullable String expired,
			@RequestParam(required = false) @Nullable String signedOut, Model model) {
		if (expired != null) {
			model.addAttribute("notice", "Your session ended. Sign in again.");
		}
		if (signedOut != null) {
			model.addAttribute("notice", "You are signed out.");
		}
		return "portal/login";
	}

	@PostMapping(LOGIN)
	String login(@RequestParam(defaultValue = "") String login, @RequestParam(defaultValue = "") String password,
			HttpServletRequest request, HttpServletResponse response, Model model) {
		model.addAttribute("login", login);
		if (login.isBlank() || password.isEmpty() || login.length() > 320 || password.length() > 1024) {
			return refused(response, model, HttpStatus.BAD_REQUEST, "Enter your email or username and your password.");
		}
		try {
			signIn(accounts.signIn(login, password, null, request), request, response);
			return "redirect:/portal";
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.SECOND_FACTOR_REQUIRED) {
				request.getSession()
					.setAttribute(PENDING, new Pending(login, password, clock.instant().plus(CODE_WAIT)));
				return "redirect:" + LOGIN + "/code";
			}
			return refused(response, model, ex);
		}
	}

	@GetMapping(LOGIN + "/code")
	String codePage(HttpServletRequest request) {
		return pending(request) == null ? "redirect:" + LOGIN : "portal/code";
	}

	@PostMapping(LOGIN + "/code")
	String code(@RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response,
			Model model) {
		var pending = pending(request);
		if (pending == null) {
			model.addAttribute("notice", "The sign-in took too long. Start again.");
			return "portal/login";
		}
		var entered = code.replace(" ", "");
		if (entered.isEmpty() || entered.length() > 64) {
			return refusedCode(response, model, "Enter the code of your authenticator app, or a recovery code.");
		}
		PortalAccounts.SignedIn signedIn;
		try {
			signedIn = accounts.signIn(pending.login(), pending.password(), entered, request);
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.INVALID_SECOND_FACTOR) {
				return refusedCode(response, model, ex.getMessage());
			}
			request.getSession().removeAttribute(PENDING);
			model.addAttribute("login", pending.login());
			return refused(response, model, ex);
		}
		request.getSession().removeAttribute(PENDING);
		signIn(signedIn, request, response);
		return "redirect:/portal";
	}

	@PostMapping("/portal/logout")
	String logout(HttpServletRequest request) {
		var user = PortalSessionGuard.user(SecurityContextHolder.getContext().getAuthentication());
		if (user != null) {
			accounts.end(user.accountId(), user.sessionId(), "logout");
		}
		SecurityContextHolder.clearContext();
		var session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		return "redirect:" + LOGIN + "?signedOut";
	}

	@GetMapping("/portal/sessions")
	String sessions(HttpServletRequest request, HttpServletResponse response, Model model) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		model.addAttribute("sessions", accounts.sessions(user.accountId(), user.sessionId()));
		return "portal/sessions";
	}

	@PostMapping("/portal/sessions/{id}/end")
	String endSession(@PathVariable UUID id, HttpServletRequest request, HttpServletResponse response, Model model,
			RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		if (id.equals(user.sessionId())) {
			flash.addFlashAttribute("error", "This is the session you are using: sign out instead.");
			return "redirect:/portal/sessions";
		}
		return attempt(flash, "/portal/sessions", () -> {
			accounts.endSession(user.accountId(), id);
			return "The session ended.";
		});
	}

	@PostMapping("/portal/sessions/end-others")
	String endOthers(HttpServletRequest request, HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		int ended = accounts.endOtherSessions(user.accountId(), user.sessionId());
		flash.addFlashAttribute("notice", ended == 1 ? "1 other session ended." : ended + " other sessions ended.");
		return "redirect:/portal/sessions";
	}

	/** A started enrolment, kept in the session until it is confirmed or replaced. */
	private record PendingEnrolment(PortalAccounts.Enrolment enrolment, UUID accountId) implements Serializable {
	}

	@GetMapping("/portal/two-factor")
	String twoFactor(HttpServletRequest request, HttpServletResponse response, Model model) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		var status = accounts.twoFactor(user.accountId());
		model.addAttribute("twoFactor", status);
		if (!status.enabled() && request.getSession().getAttribute(ENROLMENT) instanceof PendingEnrolment pending
				&& pending.accountId().equals(user.accountId())) {
			model.addAttribute("enrolment", pending.enrolment());
			model.addAttribute("enrolmentQr", QrCodes.svg(pending.enrolment().provisioningUri(),
					"QR code of the setup link: scan it with your authenticator app"));
		}
		return "portal/two-factor";
	}

	@PostMapping("/portal/two-factor")
	String enrol(@RequestParam(defaultValue = "") String password, HttpServletRequest request,
			HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		if (password.isEmpty() || password.length() > 1024) {
			flash.addFlashAttribute("error", "Enter your password.");
			return "redirect:/portal/two-factor";
		}
		return attempt(flash, "/portal/two-factor", () -> {
			var enrolment = accounts.enrolTwoFactor(user.accountId(), password, request);
			request.getSession().setAttribute(ENROLMENT, new PendingEnrolment(enrolment, user.accountId()));
			return "Add the key to your authenticator app, then enter the code it shows.";
		});
	}

	@PostMapping("/portal/two-factor/confirm")
	String confirm(@RequestParam(defaultValue = "") String code, HttpServletRequest request,
			HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		var entered = code.replace(" ", "");
		if (entered.isEmpty() || entered.length() > 64) {
			flash.addFlashAttribute("error", "Enter the code your authenticator app shows.");
			return "redirect:/portal/two-factor";
		}
		return attempt(flash, "/portal/two-factor", () -> {
			var codes = accounts.confirmTwoFactor(user.accountId(), entered, request);
			request.getSession().removeAttribute(ENROLMENT);
			flash.addFlashAttribute("recoveryCodes", codes);
			return "Two-factor authentication is on.";
		});
	}

	@PostMapping("/portal/two-factor/disable")
	String disable(@RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String code,
			HttpServletRequest request, HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		var entered = code.replace(" ", "");
		if (password.isEmpty() || password.length() > 1024 || entered.isEmpty() || entered.length() > 64) {
			flash.addFlashAttribute("error", "Enter your password and a code of your authenticator app.");
			return "redirect:/portal/two-factor";
		}
		return attempt(flash, "/portal/two-factor", () -> {
			accounts.disableTwoFactor(user.accountId(), password, entered, request);
			return "Two-factor authentication is off.";
		});
	}

	@GetMapping("/portal/keys")
	String keys(HttpServletRequest request, HttpServletResponse response, Model model) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		model.addAttribute("keys", accounts.keys(user.accountId()));
		return "portal/keys";
	}

	@PostMapping("/portal/keys")
	String createKey(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "read") String access,
			@RequestParam(defaultValue = "") String expiresInDays, HttpServletRequest request,
			HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		var trimmed = name.strip();
		if (trimmed.isEmpty() || trimmed.length() > 200) {
			flash.addFlashAttribute("error", "Name the key (at most 200 characters).");
			return "redirect:/portal/keys";
		}
		if (!access.equals("read") && !access.equals("write")) {
			flash.addFlashAttribute("error", "Choose read or read and write access.");
			return "redirect:/portal/keys";
		}
		Integer days = null;
		if (!expiresInDays.isBlank()) {
			try {
				days = Integer.valueOf(expiresInDays.strip());
			}
			catch (NumberFormatException ex) {
				flash.addFlashAttribute("error", "Expires in must be a number of days, 1 to 365, or empty.");
				return "redirect:/portal/keys";
			}
		}
		var lifetime = days;
		return attempt(flash, "/portal/keys", () -> {
			var created = accounts.createKey(user.accountId(), trimmed, access.equals("write"), lifetime);
			flash.addFlashAttribute("secret", created.secret());
			return "Key " + created.key().name() + " created. Copy its secret now: it is not shown again.";
		});
	}

	@PostMapping("/portal/keys/{id}/revoke")
	String revokeKey(@PathVariable UUID id, HttpServletRequest request, HttpServletResponse response, Model model,
			RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		return attempt(flash, "/portal/keys", () -> {
			accounts.revokeKey(user.accountId(), id);
			return "The key was revoked: it stops working at once.";
		});
	}

	@GetMapping("/portal/organization")
	String organization(HttpServletRequest request, HttpServletResponse response, Model model) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		model.addAttribute("organizations", accounts.organizations(user.accountId()));
		return "portal/organization";
	}

	@PostMapping("/portal/organizations/{organization}/invitations")
	String invite(@PathVariable String organization, @RequestParam(defaultValue = "") String email,
			@RequestParam(defaultValue = "member") String role, HttpServletRequest request,
			HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		if (email.isBlank() || email.length() > 320 || organization.length() > 255) {
			flash.addFlashAttribute("error", "Enter the email address to invite.");
			return "redirect:/portal/organization";
		}
		return attempt(flash, "/portal/organization", () -> {
			accounts.invite(user.accountId(), organization, email, role);
			return "An invitation was mailed to " + email.strip() + ".";
		});
	}

	@PostMapping("/portal/organizations/{organization}/invitations/{id}/revoke")
	String revokeInvitation(@PathVariable String organization, @PathVariable UUID id, HttpServletRequest request,
			HttpServletResponse response, Model model, RedirectAttributes flash) {
		var user = user(request, response, model);
		if (user == null) {
			return denied(response, model);
		}
		return attempt(flash, "/portal/organization", () -> {
			accounts.revokeInvitation(user.accountId(), organization, id);
			return "The invitation was revoked.";
		});
	}

	/** Something a form asks for, its refusal told on the page it came from. */
	private interface Work {

		String run();

	}

	private static String attempt(RedirectAttributes flash, String page, Work work) {
		try {
			flash.addFlashAttribute("notice", work.run());
		}
		catch (PlangateException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:" + page;
	}

	/**
	 * The signed-in account; {@code null} for a visitor with a customer token (who sees
	 * what the token may see, not an account's pages) or nobody.
	 */
	private @Nullable PortalUser user(HttpServletRequest request, HttpServletResponse response, Model model) {
		var viewer = viewers.current(request).orElse(null);
		model.addAttribute("viewer", viewer);
		return viewer == null ? null : viewer.account();
	}

	private String denied(HttpServletResponse response, Model model) {
		if (model.getAttribute("viewer") == null) {
			return PortalController.closed(response, model);
		}
		response.setStatus(HttpStatus.FORBIDDEN.value());
		model.addAttribute("status", 403);
		model.addAttribute("title", "Sign in with your account");
		model.addAttribute("detail", "Sessions, two-factor authentication, personal keys and organizations belong "
				+ "to an account: the link from your app shows your plan and usage only.");
		model.addAttribute("signIn", true);
		return "portal/error";
	}

	/**
	 * A new session id for the signed-in session (no fixation), a new CSRF token, and the
	 * times the timeouts are counted from.
	 */
	private void signIn(PortalAccounts.SignedIn signedIn, HttpServletRequest request, HttpServletResponse response) {
		var user = PortalUser.of(signedIn);
		request.changeSessionId();
		var session = request.getSession();
		session.removeAttribute(PortalViewers.VISITOR);
		session.removeAttribute(ENROLMENT);
		SessionTimeouts.start(session, settings, clock.instant());
		var context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null, user.authorities()));
		SecurityContextHolder.setContext(context);
		contexts.saveContext(context, request, response);
		csrfTokens.saveToken(null, request, response);
	}

	private @Nullable Pending pending(HttpServletRequest request) {
		var session = request.getSession(false);
		if (session == null || !(session.getAttribute(PENDING) instanceof Pending pending)) {
			return null;
		}
		if (clock.instant().isAfter(pending.until())) {
			session.removeAttribute(PENDING);
			return null;
		}
		return pending;
	}

	private static String refused(HttpServletResponse response, Model model, PlangateException ex) {
		if (ex.code() == ErrorCode.PASSWORD_CHANGE_REQUIRED) {
			return refused(response, model, HttpStatus.FORBIDDEN,
					"This account's password must be changed first: reset it from the sign-in of your app.");
		}
		ex.headers().forEach(response::setHeader);
		return refused(response, model, ex.code().status(), ex.getMessage());
	}

	private static String refused(HttpServletResponse response, Model model, HttpStatus status,
			@Nullable String message) {
		response.setStatus(status.value());
		model.addAttribute("error", message);
		return "portal/login";
	}

	private static String refusedCode(HttpServletResponse response, Model model, @Nullable String message) {
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		model.addAttribute("error", message);
		return "portal/code";
	}

}

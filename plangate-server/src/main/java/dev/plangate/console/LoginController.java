package dev.plangate.console;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.plangate.identity.OperatorSignIn;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Signing into the console: the password, then the second factor, each through
 * {@link OperatorSignIn} (the API's sign-in, for operators only), then a new cookie
 * session id and CSRF token.
 */
@Controller
@Hidden
class LoginController {

	/** How long the password, checked, waits in the session for its second factor. */
	private static final Duration CODE_WAIT = Duration.ofMinutes(5);

	private static final String PENDING = LoginController.class.getName() + ".pending";

	private final OperatorSignIn operators;

	private final HttpSessionSecurityContextRepository contexts;

	private final HttpSessionCsrfTokenRepository csrfTokens;

	private final ConsoleSettings settings;

	private final Clock clock;

	LoginController(OperatorSignIn operators, HttpSessionSecurityContextRepository contexts,
			HttpSessionCsrfTokenRepository csrfTokens, ConsoleSettings settings, Clock clock) {
		this.operators = operators;
		this.contexts = contexts;
		this.csrfTokens = csrfTokens;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * A password checked, waiting for its code; kept only in the server's memory (the
	 * session is not persisted), for at most {@link #CODE_WAIT}.
	 */
	private record Pending(String login, String password, Instant until) implements Serializable {

		/** Without the password. */
		@Override
		public String toString() {
			return "Pending[login=" + login + ", until=" + until + "]";
		}

	}

	@GetMapping(ConsoleSecurityConfiguration.LOGIN)
	String loginPage(@RequestParam(required = false) @Nullable String expired,
			@RequestParam(required = false) @Nullable String signedOut, Model model) {
		if (expired != null) {
			model.addAttribute("notice", "Your session ended. Sign in again.");
		}
		if (signedOut != null) {
			model.addAttribute("notice", "You are signed out.");
		}
		return "console/login";
	}

	@PostMapping(ConsoleSecurityConfiguration.LOGIN)
	String login(@RequestParam(defaultValue = "") String login, @RequestParam(defaultValue = "") String password,
			HttpServletRequest request, HttpServletResponse response, Model model) {
		model.addAttribute("login", login);
		if (login.isBlank() || password.isEmpty() || login.length() > 320 || password.length() > 1024) {
			return refused(response, model, HttpStatus.BAD_REQUEST, "Enter your email or username and your password.");
		}
		try {
			// an account without a second factor is signed in by the password alone, and
			// refused as such
			signIn(operators.signIn(login, password, null, request), request, response);
			return "redirect:/console";
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.SECOND_FACTOR_REQUIRED) {
				request.getSession()
					.setAttribute(PENDING, new Pending(login, password, clock.instant().plus(CODE_WAIT)));
				return "redirect:" + ConsoleSecurityConfiguration.LOGIN + "/code";
			}
			return refused(response, model, ex);
		}
	}

	@GetMapping(ConsoleSecurityConfiguration.LOGIN + "/code")
	String codePage(HttpServletRequest request) {
		return pending(request) == null ? "redirect:" + ConsoleSecurityConfiguration.LOGIN : "console/code";
	}

	@PostMapping(ConsoleSecurityConfiguration.LOGIN + "/code")
	String code(@RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response,
			Model model) {
		var pending = pending(request);
		if (pending == null) {
			model.addAttribute("notice", "The sign-in took too long. Start again.");
			return "console/login";
		}
		var entered = code.replace(" ", "");
		if (entered.isEmpty() || entered.length() > 64) {
			return refusedCode(response, model, "Enter the code of your authenticator app, or a recovery code.");
		}
		OperatorSignIn.Operator operator;
		try {
			operator = operators.signIn(pending.login(), pending.password(), entered, request);
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
		signIn(operator, request, response);
		return "redirect:/console";
	}

	/**
	 * A new session id for the signed-in session (no fixation), a new CSRF token, and the
	 * times the timeouts are counted from.
	 */
	private void signIn(OperatorSignIn.Operator signedIn, HttpServletRequest request, HttpServletResponse response) {
		var operator = ConsoleOperator.of(signedIn);
		request.changeSessionId();
		var session = request.getSession();
		SessionTimeouts.start(session, settings, clock.instant());
		var context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(
				UsernamePasswordAuthenticationToken.authenticated(operator, null, operator.authorities()));
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
					"This account's password must be changed first: sign in once through POST /v1/auth/login with "
							+ "'newPassword'.");
		}
		ex.headers().forEach(response::setHeader);
		return refused(response, model, ex.code().status(), ex.getMessage());
	}

	private static String refused(HttpServletResponse response, Model model, HttpStatus status,
			@Nullable String message) {
		response.setStatus(status.value());
		model.addAttribute("error", message);
		return "console/login";
	}

	private static String refusedCode(HttpServletResponse response, Model model, @Nullable String message) {
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		model.addAttribute("error", message);
		return "console/code";
	}

}

package dev.plangate.console;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.RequestMatcherDelegatingAccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import dev.plangate.identity.OperatorSignIn;
import dev.plangate.identity.PortalAccounts;
import jakarta.servlet.DispatcherType;

/**
 * The console's (and the portal's) own filter chain, before the API's: a cookie session
 * (its security context and CSRF token kept in the server's HTTP session), CSRF checked
 * on every form, the sign-in pages and assets open, reading (and ending sessions,
 * clearing rate limits) for {@code support} and up, changes (a customer's status, plan,
 * overrides, grants and deletion; plans, and the plan edit page; a batch's cancel; the
 * mail outbox) for {@code admin} and up, the operators' roles for {@code superadmin}. The
 * API's chain, stateless and bearer-only, is untouched; the portal's pages are for an end
 * user signed in with an account or arriving with a customer token.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

	static final String LOGIN = "/console/login";

	@Bean
	HttpSessionSecurityContextRepository consoleContexts() {
		return new HttpSessionSecurityContextRepository();
	}

	@Bean
	HttpSessionCsrfTokenRepository consoleCsrfTokens() {
		return new HttpSessionCsrfTokenRepository();
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain console(HttpSecurity http, HttpSessionSecurityContextRepository contexts,
			HttpSessionCsrfTokenRepository csrfTokens, OperatorSignIn operators, PortalAccounts accounts,
			ConsoleSettings settings, Clock clock) throws Exception {
		var consoleDenied = new AccessDeniedHandlerImpl();
		consoleDenied.setErrorPage("/console/denied");
		var portalDenied = new AccessDeniedHandlerImpl();
		portalDenied.setErrorPage(PortalController.DENIED);
		var denied = new RequestMatcherDelegatingAccessDeniedHandler(
				new LinkedHashMap<>(Map.of(PathPatternRequestMatcher.pathPattern("/portal/**"), portalDenied)),
				consoleDenied);
		http.securityMatcher("/console", "/console/**", "/portal", "/portal/**", "/webjars/**")
			.securityContext(context -> context.securityContextRepository(contexts))
			.csrf(csrf -> csrf.csrfTokenRepository(csrfTokens))
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
			.httpBasic(basic -> basic.disable())
			.formLogin(form -> form.disable())
			.requestCache(cache -> cache.disable())
			.logout(logout -> logout.logoutUrl("/console/logout")
				.addLogoutHandler(new ConsoleSessionGuard.EndPlangateSession(operators))
				.logoutSuccessUrl(LOGIN + "?signedOut"))
			.addFilterAfter(new ConsoleSessionGuard(operators, settings, clock), SecurityContextHolderFilter.class)
			.addFilterAfter(new PortalSessionGuard(accounts, settings, clock), ConsoleSessionGuard.class)
			.authorizeHttpRequests(auth -> auth.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers("/webjars/**", "/console/assets/**", LOGIN, LOGIN + "/**", "/console/denied")
				.permitAll()
				// the portal checks its visitor itself, a signed-in account, a customer
				// token or an impersonation (PortalViewers), ends or refuses changes
				// under
				// the impersonation its session holds, and its forms are CSRF-checked as
				// the console's
				.requestMatchers("/portal", "/portal/**")
				.permitAll()
				.requestMatchers(HttpMethod.POST, "/console/customers/*/suspend", "/console/customers/*/activate",
						"/console/customers/*/plan", "/console/customers/*/overrides",
						"/console/customers/*/overrides/**", "/console/customers/*/grants",
						"/console/customers/*/grants/**", "/console/customers/*/delete", "/console/batches/*/cancel")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/console/plans/**")
				.hasRole("ADMIN")
				.requestMatchers("/console/plans/*/edit", "/console/plans/*/edit/**")
				.hasRole("ADMIN")
				// mails hold personal data; keys are read by support, made and revoked by
				// admins
				.requestMatchers("/console/mail", "/console/mail/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/console/keys", "/console/keys/**")
				.hasRole("ADMIN")
				.requestMatchers("/console/operators", "/console/operators/**")
				.hasRole("SUPERADMIN")
				.anyRequest()
				.hasRole("SUPPORT"))
			.exceptionHandling(
					errors -> errors.authenticationEntryPoint(signIn(new LoginUrlAuthenticationEntryPoint(LOGIN)))
						.accessDeniedHandler(denied))
			.headers(headers -> headers.defaultsDisabled().cacheControl(cache -> {
			}));
		return http.build();
	}

	/**
	 * A page's live refresh (an htmx request) that finds no session is told to load the
	 * sign-in page as a whole: a redirect would be followed by the refresh itself, and
	 * the sign-in form swapped into the page's figures.
	 */
	private static AuthenticationEntryPoint signIn(AuthenticationEntryPoint pages) {
		return (request, response, ex) -> {
			if (ConsoleSessionGuard.isLiveRefresh(request)) {
				ConsoleSessionGuard.sendToSignIn(request, response, "");
			}
			else {
				pages.commence(request, response, ex);
			}
		};
	}

}

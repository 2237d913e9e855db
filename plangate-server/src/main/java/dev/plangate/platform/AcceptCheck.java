package dev.plangate.platform;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationManager;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.context.request.ServletWebRequest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Refuses a request whose {@code Accept} no answer of Plangate's API can meet, before its
 * handler runs. Spring MVC would otherwise find out only when writing the answer: the
 * consume counted, the plan archived, and then a 406. Operations that declare what they
 * produce (the event streams) are matched by Spring MVC itself; the rest answer JSON.
 */
@Configuration(proxyBeanMethods = false)
class AcceptCheck implements WebMvcConfigurer, HandlerInterceptor {

	private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON,
			new MediaType("application", "*+json"));

	private final ContentNegotiationManager negotiation = new ContentNegotiationManager();

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this);
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws HttpMediaTypeNotAcceptableException {
		if (!(handler instanceof HandlerMethod method)
				|| !method.getBeanType().getPackageName().startsWith("dev.plangate")
				|| request.getAttribute(HandlerMapping.PRODUCIBLE_MEDIA_TYPES_ATTRIBUTE) != null) {
			return true;
		}
		if (request.getHeader(HttpHeaders.ACCEPT) == null) {
			// no Accept takes any answer, JSON too
			return true;
		}
		var accepted = negotiation.resolveMediaTypes(new ServletWebRequest(request));
		boolean met = accepted.stream().anyMatch(type -> JSON.stream().anyMatch(type::isCompatibleWith));
		if (!met) {
			throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
		}
		return true;
	}

}

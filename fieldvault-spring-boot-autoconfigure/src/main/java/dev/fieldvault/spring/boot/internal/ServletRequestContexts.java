package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.secrets.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The request context of the servlet request bound to the calling thread (Spring's
 * {@link RequestContextHolder}, which Spring MVC's DispatcherServlet and Boot's request context filter
 * set for the request's thread), for the secrets vault's audit events; null off a request's thread.
 * Every part is client input: {@link RequestContext#sanitized} cuts it and replaces control characters.
 * The client address is the servlet container's ({@code getRemoteAddr()}), which honours forwarded
 * headers only where the application configured {@code server.forward-headers-strategy}.
 */
public final class ServletRequestContexts implements Supplier<RequestContext> {

  private final String requestIdHeader;

  /** With the request id from {@code requestIdHeader} (null or blank: none). */
  public ServletRequestContexts(String requestIdHeader) {
    this.requestIdHeader = requestIdHeader == null || requestIdHeader.isBlank() ? null : requestIdHeader.trim();
  }

  @Override
  public RequestContext get() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes servlet)) {
      return null;
    }
    HttpServletRequest request = servlet.getRequest();
    RequestContext context = RequestContext.sanitized(request.getRemoteAddr(), request.getHeader("User-Agent"),
        requestIdHeader == null ? null : request.getHeader(requestIdHeader));
    return context.isEmpty() ? null : context;
  }
}

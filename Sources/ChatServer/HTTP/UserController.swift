import ChatCore
import Hummingbird

/// `POST /api/user/signup/`, `POST /api/user/login/`, `POST /api/user/logout/`.
struct UserController {
    let ports: ChatPorts
    /// Failed-login limits shared by every login this server answers.
    let throttle: LoginThrottle

    struct SignUpRequest: Decodable {
        var username: String?
        var email: String?
        var password: String?
    }

    struct LogInRequest: Decodable {
        var username: String?
        var password: String?
    }

    struct MessageResponse: ResponseEncodable {
        var message: String
    }

    struct TokenResponse: ResponseEncodable {
        var token: String
    }

    func addRoutes(to group: RouterGroup<ChatRequestContext>, auth: AuthMiddleware) {
        group.post("signup", use: signUp)
        group.post("login", use: logIn)
        group.add(middleware: auth).post("logout", use: logOut)
    }

    @Sendable func signUp(request: Request, context: ChatRequestContext) async throws -> EditedResponse<MessageResponse> {
        let body = try await JSONBody.decode(SignUpRequest.self, from: request, context: context)
        _ = try await SignUp(ports: ports)(username: body.username, email: body.email, password: body.password)
        return EditedResponse(status: .created, response: MessageResponse(message: "User registered successfully"))
    }

    @Sendable func logIn(request: Request, context: ChatRequestContext) async throws -> TokenResponse {
        let body = try await JSONBody.decode(LogInRequest.self, from: request, context: context)
        let result = try await LogIn(ports: ports, throttle: throttle)(
            username: body.username, password: body.password, address: context.remoteAddress)
        return TokenResponse(token: result.token)
    }

    @Sendable func logOut(request: Request, context: ChatRequestContext) async throws -> MessageResponse {
        try await LogOut(ports: ports)(context.requireIdentity())
        return MessageResponse(message: "logged out")
    }
}

"""What the core knows of each target language: file layout for code a model writes, and its default framework.

The one place that decides a language's framework; packs (server/specloom/backends/) are chosen from the
(language, framework) this gives, and the core names no pack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    extension: str
    default_framework: str
    frameworks: tuple[str, ...]  # the ones we know belong to it; a user may name others
    build_file: str  # the manifest a project of this language cannot build without

    def source_path(self, package: str, module: str) -> str:
        if self.name == "python":
            return f"{package}/{module}.py"
        if self.name == "go":
            return f"{module}.go"
        if self.name == "java":
            # Maven compiles src/main/java, and a public class lives in the file of its (Pascal-case) name.
            *folders, name = module.split("/")
            return "/".join(["src/main/java", package, *folders, f"{_pascal(name)}.java"])
        return f"src/{module}{self.extension}"

    def test_path(self, module: str) -> str:
        """Where the language's own test runner finds a test of `module`."""
        if self.name == "python":
            return f"tests/test_{module}.py"
        if self.name == "go":
            return f"{module}_test.go"
        if self.name == "typescript":
            return f"tests/{module}.test.ts"
        if self.name == "rust":
            return f"tests/{module}.rs"
        if self.name == "java":
            return f"src/test/java/{_pascal(module)}Test.java"
        return f"tests/{_pascal(module)}Tests{self.extension}"


LANGUAGES = {
    lang.name: lang
    for lang in (
        Language("python", ".py", "fastapi", ("fastapi", "flask", "django"), "pyproject.toml"),
        Language("typescript", ".ts", "fastify", ("fastify", "express", "nestjs", "koa"), "package.json"),
        Language("go", ".go", "nethttp", ("nethttp", "net/http", "gin", "echo", "chi"), "go.mod"),
        Language("rust", ".rs", "actix-web", ("actix-web", "actixweb", "axum", "rocket"), "Cargo.toml"),
        Language("java", ".java", "spring", ("spring", "springboot", "spring-boot", "quarkus"), "pom.xml"),
        Language("csharp", ".cs", "aspnetcore", ("aspnetcore",), "Project.csproj"),
    )
}


def language(name: str) -> Language:
    """The facts of a language; an unknown one is laid out generically (a model still writes it)."""
    return LANGUAGES.get(name) or Language(name, ".txt", "", (), "")


def framework_for(language_name: str, framework: str | None) -> str | None:
    """The framework a generation uses: the user's, unless it is another language's (a setting made for
    the configured language while a different one was asked for), else the language's default."""
    lang = LANGUAGES.get(language_name)
    if framework and not any(framework in other.frameworks for other in LANGUAGES.values() if other is not lang):
        return framework
    return lang.default_framework if lang else framework


def _pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.split("_") if part) or "Api"

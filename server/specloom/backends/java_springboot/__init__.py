"""The java-springboot backend: a Spring Boot 3 (Java 17) service with Jackson and records, from OpenAPI."""

from __future__ import annotations

from specloom.backends.base import Rendering
from specloom.backends.go_nethttp import title_package
from specloom.core.apimodel import build_api_model

PACK = "java-springboot"
_JACOCO = "org.jacoco:jacoco-maven-plugin:0.8.12"
VERSION = "1.0.0"


class JavaSpringBoot:
    name = PACK
    language = "java"
    framework = "spring"  # core/languages.py: Java's default framework

    def template_gap(self, spec, op) -> str | None:
        from specloom.backends.go_nethttp import BACKEND as go

        # The CRUD conventions are python-fastapi's and the field types those go-nethttp holds (string, 64-bit
        # integer, double, boolean and lists of them): both spellings of one view, so all packs implement the
        # same operations of a spec.
        gap = go.template_gap(spec, op)
        if gap is None:
            return None
        gap = gap.replace("go-nethttp 1.0.0", f"{PACK} {VERSION}").replace("Go's regexp", "the pack's checks")
        return gap.replace("which Go's ServeMux patterns cannot match", f"which {PACK} {VERSION} does not route")

    def package(self, spec, variables: dict) -> str:
        return str(variables.get("package") or title_package(spec))

    def render_context(self, pack, spec, operations, variables, extensions) -> Rendering:
        from specloom.backends.java_springboot.view import java_springboot
        from specloom.templates.packs import PackError

        api = build_api_model(spec, operations, lambda op: self.template_gap(spec, op))
        if not api.resources:
            why = "; ".join(api.gaps) or "it has no operations"
            raise PackError(f"there is no CRUD resource to implement: {why}")
        context, resources = java_springboot(pack, spec, api, variables, extensions, self.package(spec, variables))
        return Rendering(context, resources, api)

    def format_commands(self) -> list[list[str]]:
        from specloom.backends.languages.java import formatter
        from specloom.toolchains import toolchains_root

        # The style gate's own formatter, from the pack's toolchain folder, on every rendered Java file.
        command = " ".join(formatter(toolchains_root() / f"{PACK}@{VERSION}"))
        return [["sh", "-c", f"find . -name '*.java' -exec {command} --replace {{}} +"]]

    def filters(self) -> dict:
        from specloom.backends.java_springboot.lang import go_to_java, java_comment, java_imports, java_string, member

        return {
            "javastr": java_string,
            "javacomment": java_comment,
            "gojava": go_to_java,
            "member": member,
            "javaimports": java_imports,
        }

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        base = package.replace(".", "/")
        return [
            (f"src/main/java/{base}/Extensions.java", "source"),
            (f"src/test/java/{base}/ExtensionsTest.java", "test"),
        ]

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        return (
            f"`{module}` is a Spring `@RestController` class `Extensions` in the generated package, with one "
            "handler method per operation (`@GetMapping`, `@PostMapping`... on the spec's path). Reuse the "
            "generated `Store` bean for storage, `Checks` to read and validate JSON bodies and query parameters, "
            "and throw `ApiError` for every error (the spec's error shape); the `Security` filter already guards "
            "the secured operations it lists. Tests are JUnit 5 classes using MockMvc (`@SpringBootTest` "
            f"`@AutoConfigureMockMvc`) and must keep JaCoCo's line coverage at {coverage_threshold:g}%. Format as "
            "google-java-format does. Do not rewrite any file of the pack."
        )

    def run_commands(self, spec, variables: dict) -> dict:
        return {
            # The gate's measure: JaCoCo's line coverage of the tests (target/site/jacoco/index.html).
            "test": f"mvn -q {_JACOCO}:prepare-agent test {_JACOCO}:report",
            "serve": "mvn -q spring-boot:run",
            "credentials_env": [token_env(self.package(spec, variables))],
        }


def token_env(package: str) -> str:
    return f"{package.upper().replace('.', '_')}_API_TOKENS"


BACKEND = JavaSpringBoot()

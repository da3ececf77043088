// The rules Specloom's gates checked: eslint and typescript-eslint recommended, eslint-plugin-security.
import js from "@eslint/js";
import security from "eslint-plugin-security";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "coverage/**"] },
  { files: ["**/*.ts"], extends: [js.configs.recommended, ...tseslint.configs.recommended] },
  { files: ["**/*.ts"], ...security.configs.recommended },
);

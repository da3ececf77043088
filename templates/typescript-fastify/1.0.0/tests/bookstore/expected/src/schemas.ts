// The spec's schemas as JSON Schemas: Fastify validates requests and serializes answers with them.
export const schemas = [
  {
    $id: "Author",
    allOf: [
      {
        $ref: "NewAuthor#",
      },
      {
        type: "object",
        required: ["id"],
        properties: {
          id: {
            type: "string",
            format: "uuid",
          },
        },
      },
    ],
  },
  {
    $id: "Genre",
    type: "string",
    enum: ["fiction", "non-fiction", "poetry", "drama"],
  },
  {
    $id: "Book",
    allOf: [
      {
        $ref: "NewBook#",
      },
      {
        type: "object",
        required: ["id", "createdAt"],
        properties: {
          id: {
            type: "string",
            format: "uuid",
          },
          createdAt: {
            type: "string",
            format: "date-time",
          },
        },
      },
    ],
  },
  {
    $id: "BookPage",
    type: "object",
    required: ["items", "total"],
    properties: {
      items: {
        type: "array",
        items: {
          $ref: "Book#",
        },
      },
      total: {
        type: "integer",
        minimum: 0,
      },
    },
  },
  {
    $id: "Error",
    type: "object",
    required: ["error", "message"],
    properties: {
      error: {
        type: "string",
      },
      message: {
        type: "string",
      },
    },
  },
  {
    $id: "NewAuthor",
    type: "object",
    required: ["name"],
    properties: {
      name: {
        type: "string",
        minLength: 1,
      },
      email: {
        type: "string",
        format: "email",
      },
      born: {
        type: ["integer", "null"],
        minimum: 0,
      },
    },
  },
  {
    $id: "NewBook",
    type: "object",
    required: ["title", "authorId", "genre"],
    properties: {
      title: {
        type: "string",
        minLength: 1,
        maxLength: 200,
      },
      authorId: {
        type: "string",
        format: "uuid",
      },
      genre: {
        $ref: "Genre#",
      },
      isbn: {
        type: "string",
        pattern: "^[0-9]{13}$",
      },
      publishedOn: {
        type: "string",
        format: "date",
      },
      tags: {
        type: "array",
        items: {
          type: "string",
        },
        maxItems: 10,
      },
    },
  },
];

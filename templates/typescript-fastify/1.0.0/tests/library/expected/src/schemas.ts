// The spec's schemas as JSON Schemas: Fastify validates requests and serializes answers with them.
export const schemas = [
  {
    $id: "Language",
    type: "string",
    enum: ["en", "fr", "de"],
  },
  {
    $id: "Book",
    type: "object",
    required: ["id", "shelfId", "title", "language", "addedAt"],
    properties: {
      id: {
        type: "integer",
      },
      shelfId: {
        type: "integer",
      },
      title: {
        type: "string",
        minLength: 1,
      },
      language: {
        $ref: "Language#",
      },
      pages: {
        type: "integer",
        minimum: 1,
      },
      addedAt: {
        type: "string",
        format: "date-time",
      },
    },
  },
  {
    $id: "BookInput",
    type: "object",
    required: ["title", "language"],
    properties: {
      title: {
        type: "string",
        minLength: 1,
      },
      language: {
        $ref: "Language#",
      },
      pages: {
        type: "integer",
        minimum: 1,
        default: 100,
      },
    },
  },
  {
    $id: "Problem",
    type: "object",
    required: ["code", "detail"],
    properties: {
      code: {
        type: "string",
      },
      detail: {
        type: "string",
      },
    },
  },
  {
    $id: "Shelf",
    allOf: [
      {
        $ref: "ShelfInput#",
      },
      {
        type: "object",
        required: ["id"],
        properties: {
          id: {
            type: "integer",
          },
        },
      },
    ],
  },
  {
    $id: "ShelfInput",
    type: "object",
    required: ["label"],
    properties: {
      label: {
        type: "string",
        minLength: 1,
        maxLength: 40,
      },
      floor: {
        type: ["integer", "null"],
        minimum: 0,
        maximum: 9,
      },
    },
  },
  {
    $id: "ShelfPatch",
    type: "object",
    additionalProperties: false,
    properties: {
      label: {
        type: "string",
        minLength: 1,
        maxLength: 40,
      },
      floor: {
        type: ["integer", "null"],
        minimum: 0,
        maximum: 9,
      },
    },
  },
];
